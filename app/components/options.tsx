import { MEMBERSHIP_ROLES, ORGANISATION_KINDS } from "#db/schema";
import type { MessageKey } from "~/i18n";
import type { ScopeOption } from "~/services/admin/scope-options.server";
import { useT } from "~/i18n/use-t";

/** One `<option>` per value, labelled by the message `${prefix}.${value}`. */
function TranslatedOptions({ values, prefix }: { values: readonly string[]; prefix: string }) {
  const t = useT();
  return (
    <>
      {values.map((v) => (
        <option key={v} value={v}>
          {t(`${prefix}.${v}` as MessageKey)}
        </option>
      ))}
    </>
  );
}

export const OrganisationKindOptions = () => <TranslatedOptions values={ORGANISATION_KINDS} prefix="orgKind" />;

export const RoleOptions = () => <TranslatedOptions values={MEMBERSHIP_ROLES} prefix="role" />;

/** The scopes an administrator may grant, indented by depth; a depth-0 row stands for the whole organisation. */
export function ScopeOptions({ scopes }: { scopes: ReadonlyArray<ScopeOption> }) {
  const t = useT();
  return (
    <>
      {scopes.map((s) => (
        <option key={s.value} value={s.value}>
          {"\u00a0\u00a0".repeat(s.depth)}
          {s.depth === 0 ? `${s.label} — ${t("users.scopeWholeOrg")}` : s.label}
        </option>
      ))}
    </>
  );
}

/** One `<option>` per row, valued by its id and labelled by its name (units, periods, people, …). */
export function NamedOptions({ items }: { items: ReadonlyArray<{ id: string; name: string }> }) {
  return (
    <>
      {items.map((i) => (
        <option key={i.id} value={i.id}>
          {i.name}
        </option>
      ))}
    </>
  );
}
