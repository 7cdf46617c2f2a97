import { FormCard, SelectField, type ActionFeedback } from "~/components/form";
import { useT } from "~/i18n/use-t";

/** System admins: the organisation's parent for roll-ups (a regency under its province). */
export function ParentForm({
  parentId,
  options,
  feedback,
}: {
  parentId: string | null;
  options: { id: string; name: string }[] | null;
  feedback: ActionFeedback | undefined;
}) {
  const t = useT();
  if (options === null)
    return (
      <section className="card">
        <h2>{t("orgParent.title")}</h2>
        <p className="muted">{t("orgParent.notApplicable")}</p>
      </section>
    );
  return (
    <FormCard title={t("orgParent.title")} feedback={feedback} intent="set-parent" submit={t("orgParent.save")}>
      <p className="muted">{t("orgParent.help")}</p>
      <SelectField name="parentId" label="orgParent.label" defaultValue={parentId ?? ""} idPrefix="parent-" feedback={feedback}>
        <option value="">{t("orgParent.none")}</option>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </SelectField>
    </FormCard>
  );
}
