/** Issue #27: an item's history on the area page reads as words (action names, answers as text, WIB times), never JSON. */
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { expect, test } from "vitest";
import { auditValueText, Timeline } from "~/components/workbench/timeline";
import type { Item } from "~/domain/instrument/schema";
import type { Locale } from "~/i18n";
import type { TimelineEntry } from "~/services/workbench/workflow.server";

const item = {
  id: "A.I.1.i.a",
  type: "options",
  question: "?",
  options: [
    { code: "A", criterion: "Semua unit", criterion_en: "All units" },
    { code: "B", criterion: "Sebagian unit", criterion_en: "Some units" },
  ],
} as unknown as Item;

const entries: TimelineEntry[] = [
  {
    id: "1",
    at: "2025-03-02T03:00:00.000Z",
    actor: "Sari Asesor",
    action: "answer.save",
    itemId: "A.I.1.i.a",
    before: { value: "A", note: null, version: 1 },
    after: { value: "B", note: "Sudah diperbaiki", version: 2, source: { seq: 1, sha256: "ab" } },
    reason: null,
  },
  {
    id: "2",
    at: "2025-03-02T04:00:00.000Z",
    actor: null,
    action: "answer.confirm",
    itemId: null,
    before: null,
    after: { value: 3.62, seq: 1 },
    reason: null,
  },
];

async function render(locale: Locale): Promise<string> {
  const routes = [{ id: "root", path: "*", loader: () => ({ locale }), element: createElement(Timeline, { entries, item }) }];
  const handler = createStaticHandler(routes);
  const context = await handler.query(new Request("http://localhost/"));
  if (context instanceof Response) throw new Error("unexpected redirect");
  return renderToString(
    createElement(StaticRouterProvider, { router: createStaticRouter(handler.dataRoutes, context), context, hydrate: false }),
  );
}

test("the history names actions in words, shows answers as text and times in WIB, never JSON or keys", async () => {
  const id = await render("id");
  expect(id).toContain("Jawaban disimpan");
  expect(id).toContain("Jawaban bawaan dikonfirmasi");
  expect(id).toContain("A — Semua unit → B — Sebagian unit · Sudah diperbaiki");
  expect(id).toContain("3,62");
  expect(id).toContain("10.00"); // 03:00 UTC is 10:00 WIB
  const text = id.replace(/<[^>]+>/g, "");
  for (const raw of ["answer.save", "answer.confirm", "seq", "version", "{", "&quot;"]) expect(text).not.toContain(raw);
  const en = await render("en");
  expect(en).toContain("Answer saved");
  expect(en).toContain("A — All units → B — Some units");
  expect(en).toContain("3.62");
});

test("auditValueText reads other entries by their fields, without bookkeeping", () => {
  expect(auditValueText({ reviewStatus: "returned", note: "Lengkapi bukti" }, null, "id")).toBe("Dikembalikan · Lengkapi bukti");
  expect(auditValueText({ reviewStatus: "returned", note: "Lengkapi bukti" }, null, "en")).toBe("Returned · Lengkapi bukti");
  expect(auditValueText({ body: "Mohon cek" }, null, "en")).toBe("Mohon cek");
  expect(auditValueText({ seq: 3, version: 2 }, null, "id")).toBe("–");
  expect(auditValueText({ value: { agen: 0, perubahan: 2.5 } }, null, "id")).toBe("agen: 0; perubahan: 2,5");
});

test("auditValueText never shows a field's name or a code (issue #27)", () => {
  const seal = { seq: 1, event: "finalise", documentHash: "ab".repeat(32), sealHash: "cd".repeat(32) };
  expect(auditValueText(seal, null, "id")).toBe("difinalkan");
  expect(auditValueText(seal, null, "en")).toBe("finalised");
  const consensus = { roundId: "r1", value: "A", majority: ["A"], departs: false };
  expect(auditValueText(consensus, item, "id")).toBe("A — Semua unit");
  expect(auditValueText({ ...consensus, departs: true }, item, "en")).toBe("A — All units · differs from the majority answer");
  expect(
    auditValueText({ status: "final", source: { file: "x.xlsx" }, selfGroup: "PENILAIAN TAHUN 2015", externalGroup: null }, null, "id"),
  ).toBe("Final (terkunci) · kelompok jawaban unit: PENILAIAN TAHUN 2015");
  expect(auditValueText({ status: "submitted" }, null, "en")).toBe("Submitted to the coordinator");
  expect(auditValueText({ layer: "external" }, null, "id")).toBe("Evaluator eksternal (TPN)");
  expect(auditValueText({ roundId: "r1", areaId: "A.I.5", unfinished: 0 }, null, "id")).toBe("–");
  expect(auditValueText({ roundId: "r1", areaId: "A.I.5", unfinished: 1 }, null, "id")).toBe("1 penilai belum selesai");
  expect(auditValueText({ file: "lke.xlsx", answers: 3, links: 1, cleared: 0, conflictsTaken: [] }, null, "id")).toBe(
    "3 jawaban, 1 tautan bukti",
  );
  expect(auditValueText({ stage: "fill" }, null, "id")).toBe("tahap pengisian");
  expect(auditValueText({ unitId: "u", periodId: "p", instrumentId: "zi-2021", instrumentHash: "ab", carriedFrom: null }, null, "en")).toBe(
    "–",
  );
});
