import { scopesFor, type Actor } from "~/auth/permissions";
import type { MessageKey } from "~/i18n";
import { mayReadRollup } from "~/services/rollup/rules";

export interface MenuItem {
  to: string;
  label: MessageKey;
}

/** What the navigation offers; each target route still checks permissions itself. */
export function menuFor(actor: Actor): MenuItem[] {
  const items: MenuItem[] = [{ to: "/", label: "nav.home" }];
  if (actor.isAdmin || scopesFor(actor, "assessment.read").length > 0) items.push({ to: "/assessments", label: "nav.assessments" });
  if (actor.isAdmin || scopesFor(actor, "assessment.read").length > 0) items.push({ to: "/dashboard", label: "dash.nav" });
  if (actor.isAdmin || scopesFor(actor, "evaluation.read").length > 0) items.push({ to: "/evaluations", label: "nav.evaluations" });
  if (mayReadRollup(actor)) items.push({ to: "/rollup", label: "nav.rollup" });
  if (actor.isAdmin || scopesFor(actor, "organisation.read").length > 0) items.push({ to: "/renaksi", label: "renaksi.nav" });
  if (actor.isAdmin || scopesFor(actor, "unit.read").length > 0) items.push({ to: "/units", label: "nav.units" });
  if (actor.isAdmin || scopesFor(actor, "unit.manage").length > 0)
    items.push({ to: "/admin/organisations", label: "nav.adminOrganisations" });
  if (actor.isAdmin || scopesFor(actor, "user.manage").length > 0) items.push({ to: "/admin/users", label: "nav.adminUsers" });
  if (actor.isAdmin || scopesFor(actor, "audit.read").length > 0) items.push({ to: "/admin/audit", label: "nav.adminAudit" });
  if (actor.isAdmin) items.push({ to: "/admin/instruments", label: "nav.adminInstruments" });
  items.push({ to: "/account", label: "nav.account" });
  return items;
}

