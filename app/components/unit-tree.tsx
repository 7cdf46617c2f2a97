import { IntentForm, PostButton } from "~/components/form";
import type { MessageKey } from "~/i18n";
import { useT } from "~/i18n/use-t";
import { UNIT_KINDS } from "~/services/admin/unit-kinds";

export interface TreeUnit {
  id: string;
  name: string;
  kind: string;
  code: string | null;
  archived_at: string | null;
  depth: number;
  children: TreeUnit[];
}


export function UnitKindOptions() {
  const t = useT();
  return (
    <>
      {UNIT_KINDS.map((k) => (
        <option key={k} value={k}>
          {t(`unitKind.${k}` as MessageKey)}
        </option>
      ))}
    </>
  );
}

interface Props {
  nodes: TreeUnit[];
  /** All units, flattened, as move targets; omit for a read-only tree. */
  moveTargets?: { id: string; name: string; depth: number }[];
}

export function UnitTree({ nodes, moveTargets }: Props) {
  return (
    <ul className="tree" data-testid="unit-tree">
      {nodes.map((n) => (
        <UnitItem key={n.id} node={n} moveTargets={moveTargets} />
      ))}
    </ul>
  );
}

function UnitItem({ node, moveTargets }: { node: TreeUnit; moveTargets?: Props["moveTargets"] }) {
  const t = useT();
  return (
    <li>
      <span className={node.archived_at ? "muted" : undefined}>
        {node.name}
        <span className="tag">{t(`unitKind.${node.kind}` as MessageKey)}</span>
        {node.code ? <span className="tag">{node.code}</span> : null}
        {node.archived_at ? <span className="tag">{t("common.archived")}</span> : null}
      </span>
      {moveTargets ? <UnitActions node={node} moveTargets={moveTargets} /> : null}
      {node.children.length > 0 ? (
        <ul>
          {node.children.map((c) => (
            <UnitItem key={c.id} node={c} moveTargets={moveTargets} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

function UnitActions({ node, moveTargets }: { node: TreeUnit; moveTargets: NonNullable<Props["moveTargets"]> }) {
  const t = useT();
  return (
    <details>
      <summary>{t("common.edit")}</summary>
      <IntentForm intent="rename-unit" fields={{ unitId: node.id }} className="row">
        <div>
          <label htmlFor={`rename-${node.id}`}>{t("common.name")}</label>
          <input id={`rename-${node.id}`} name="name" type="text" defaultValue={node.name} required maxLength={200} />
        </div>
        <div>
          <label htmlFor={`kind-${node.id}`}>{t("common.kind")}</label>
          <select id={`kind-${node.id}`} name="kind" defaultValue={node.kind}>
            <UnitKindOptions />
          </select>
        </div>
        <div>
          <label htmlFor={`code-${node.id}`}>{t("common.code")}</label>
          <input id={`code-${node.id}`} name="code" type="text" defaultValue={node.code ?? ""} maxLength={50} />
        </div>
        <button type="submit">{t("units.rename")}</button>
      </IntentForm>
      <IntentForm intent="move-unit" fields={{ unitId: node.id }} className="row">
        <div>
          <label htmlFor={`move-${node.id}`}>{t("units.moveTo")}</label>
          <select id={`move-${node.id}`} name="parentId" defaultValue="">
            <option value="">{t("units.rootLevel")}</option>
            {moveTargets
              .filter((m) => m.id !== node.id)
              .map((m) => (
                <option key={m.id} value={m.id}>
                  {"\u00a0\u00a0".repeat(m.depth)}
                  {m.name}
                </option>
              ))}
          </select>
        </div>
        <button type="submit" className="secondary">
          {t("units.move")}
        </button>
      </IntentForm>
      <PostButton
        intent={node.archived_at ? "restore-unit" : "archive-unit"}
        fields={{ unitId: node.id }}
        className={node.archived_at ? "secondary" : "danger"}
      >
        {node.archived_at ? t("units.restore") : t("units.archive")}
      </PostButton>
    </details>
  );
}
