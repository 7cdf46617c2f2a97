export const PASSWORD_LINK_HOURS = 72;

/** The largest instrument YAML (or item-mapping file) an administrator may upload. */
export const INSTRUMENT_MAX_BYTES = 2 * 1024 * 1024;
