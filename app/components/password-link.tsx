import { Link } from "@remix-run/react";
import { useT } from "~/i18n/use-t";

/** Shown once to the admin after creating a user or a new link; the token is never stored in clear. */
export function PasswordLink({ email, link, hours, userId }: { email: string; link: string; hours: number; userId?: string }) {
  const t = useT();
  return (
    <div className="alert alert-ok" role="status">
      <strong>{t("users.linkTitle")}</strong> ({email})
      <p className="secret-link" data-testid="password-link">
        {link}
      </p>
      <p>{t("users.linkHelp", { hours })}</p>
      {userId ? <Link to={`/admin/users/${userId}`}>{t("common.edit")}</Link> : null}
    </div>
  );
}
