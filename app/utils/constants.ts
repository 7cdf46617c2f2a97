export const PASSWORD_LINK_HOURS = 72;
