import { Link } from "@remix-run/react";
import type { ReactNode } from "react";

/** The "← parent" line at the top of a page. */
export function BackLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <p>
      <Link to={to}>← {children}</Link>
    </p>
  );
}
