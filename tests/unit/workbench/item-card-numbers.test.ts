/**
 * Issue #27: a number stored from "3,62" reads back in the user's locale on the area page (a decimal
 * comma in Indonesian, a point in English), in a text field that accepts a comma.
 */
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { expect, test } from "vitest";
import { fieldsOf, ItemCard } from "~/components/workbench/item-card";
import type { Item } from "~/domain/instrument/schema";
import type { Locale } from "~/i18n";
import { answerFromFields } from "~/services/workbench/rules";

const survey = { id: "B.I.1.a", type: "survey_0_4", question: "Berapa skor survei?", evidence: [] } as unknown as Item;

async function render(locale: Locale, value: number | null): Promise<string> {
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
