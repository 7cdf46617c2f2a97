/**
 * Issue #27: a number stored from "3,62" reads back in the user's locale on the area page (a decimal
 * comma in Indonesian, a point in English), in a text field that accepts a comma; a 0/0 ratio shows the
 * engine's zero-denominator warning at the item, in words.
 */
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { expect, test } from "vitest";
import { fieldsOf, ItemCard } from "~/components/workbench/item-card";
import { outlineOf } from "~/domain/instrument/outline";
import type { Item } from "~/domain/instrument/schema";
import type { AnswerValue } from "~/domain/scoring/answers";
import { scoreAssessment } from "~/domain/scoring/score";
import type { Locale } from "~/i18n";
import { answerFromFields } from "~/services/workbench/rules";
import { instrument } from "../scoring/instruments";

const survey = { id: "B.I.1.a", type: "survey_0_4", question: "Berapa skor survei?", evidence: [] } as unknown as Item;

type CardProps = Parameters<typeof ItemCard>[0];

async function render(locale: Locale, value: AnswerValue, over: Partial<CardProps> = {}): Promise<string> {
  const card = createElement(ItemCard, {
    assessmentId: "a1",
    item: survey,
    groupWeight: 17.5,
    answer: value === null ? null : { value, note: null, version: 1, carriedOver: false, reviewStatus: "pending", reviewNote: null },
    editable: true,
    canReview: false,
    canComment: false,
    comments: [],
    history: [],
    evidence: null,
    liveValue: null,
    onLive: () => {},
    ...over,
  });
  const routes = [{ id: "root", path: "*", loader: () => ({ locale }), element: card }];
  const handler = createStaticHandler(routes);
  const context = await handler.query(new Request("http://localhost/assessments/a1/areas/B.I.1"));
  if (context instanceof Response) throw new Error("unexpected redirect");
  return renderToString(createElement(StaticRouterProvider, { router: createStaticRouter(handler.dataRoutes, context), context }));
}

test('"3,62" typed in Indonesian is saved as 3.62 and reads back "3,62" in Indonesian, "3.62" in English', async () => {
  const typed = answerFromFields(survey, { value: "3,62", note: "" });
  expect(typed).toEqual({ ok: true, value: 3.62 });
  expect(answerFromFields(survey, { value: "3.62", note: "" })).toEqual({ ok: true, value: 3.62 });

  const id = await render("id", 3.62);
  expect(id).toMatch(/<input id="a-B\.I\.1\.a-value" name="value" type="text" inputMode="decimal"[^>]*value="3,62"/);
  expect(id).toContain("Nilai 0–4");
  const en = await render("en", 3.62);
  expect(en).toMatch(/<input id="a-B\.I\.1\.a-value" name="value" type="text" inputMode="decimal"[^>]*value="3\.62"/);
});

test("the fields of a stored answer follow the locale; without one they stay as stored", () => {
  expect(fieldsOf(survey, 3.62, null, "id").value).toBe("3,62");
  expect(fieldsOf(survey, 3.62, null, "en").value).toBe("3.62");
  expect(fieldsOf(survey, 3, null, "id").value).toBe("3");
  expect(fieldsOf(survey, 3.62, null).value).toBe("3.62");
  const ratio = { id: "X", type: "percent", question: "?", inputs: [{ name: "a", label: "A" }, { name: "b", label: "B" }] } as unknown as Item;
  expect(fieldsOf(ratio, { a: 2.5, b: 4 }, null, "id")).toEqual({ note: "", "in.a": "2,5", "in.b": "4" });
});

test("a 0/0 ratio shows the engine's zero-denominator warning at the item, in both languages", async () => {
  const zi = instrument("zi-2021");
  const id = "A.II.1.i.a";
  const answer = { agen: 0, perubahan: 0 };
  const result = scoreAssessment(zi, { [id]: answer });
  const warnings = result.warnings.filter((w) => w.itemId === id).map((w) => w.code);
  expect(warnings).toEqual(["zero_denominator"]);
  const item = outlineOf(zi).items.get(id)!;
  const props = { item, groupWeight: 2, liveValue: result.nodes[id]!.value, warnings };
  const inId = await render("id", answer, props);
  expect(inId).toContain('data-testid="warning-A.II.1.i.a"');
  expect(inId).toContain("Penyebutnya 0, jadi rasio tidak dapat dihitung; item ini dinilai 0,00 %.");
  expect(await render("en", answer, props)).toContain("The denominator is 0, so the ratio cannot be computed; this item is scored 0.00 %.");
  expect(await render("id", { agen: 2, perubahan: 1 }, { item, groupWeight: 2, liveValue: 0.5, warnings: [] })).not.toContain("warning-");
});
