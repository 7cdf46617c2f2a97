import { MEMBERSHIP_ROLES, ORGANISATION_KINDS } from "#db/schema";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";

export function OrganisationKindOptions() {
  const t = useT();
  return (
    <>
      {ORGANISATION_KINDS.map((k) => (
        <option key={k} value={k}>
          {t(`orgKind.${k}` as MessageKey)}
        </option>
      ))}
    </>
  );
}

export function RoleOptions() {
  const t = useT();
  return (
    <>
      {MEMBERSHIP_ROLES.map((r) => (
        <option key={r} value={r}>
          {t(`role.${r}` as MessageKey)}
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
