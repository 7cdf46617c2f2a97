import { expect, test } from "vitest";
import { answerText } from "~/components/evaluation/answer-text";

const item = {
  options: [
    { code: "A", criterion: "Seluruh unit", criterion_en: "Every unit" },
    { code: "B", criterion: "Sebagian unit" },
  ],
  inputs: [
    { name: "agen", label: "Agen perubahan", label_en: "Change agents", informational: false },
    { name: "pegawai", label: "Jumlah pegawai", informational: false },
  ],
};

test("an answer reads as text: the option with its criterion, counts with their labels, numbers in the locale; never JSON", () => {
  expect(answerText(item, "B", "id")).toBe("B — Sebagian unit");
  expect(answerText(item, "A", "en")).toBe("A — Every unit");
  expect(answerText(item, "B", "en")).toBe("B — Sebagian unit");
  expect(answerText(item, { agen: 2, pegawai: 1250 }, "id")).toBe("Agen perubahan: 2; Jumlah pegawai: 1.250");
  expect(answerText(item, { agen: 2.5 }, "en")).toBe("Change agents: 2.5");
  expect(answerText(null, 3.25, "id")).toBe("3,25");
  expect(answerText(null, "Ya", "id")).toBe("Ya");
  expect(answerText(item, null, "id")).toBe("–");
  expect(answerText(item, undefined, "en")).toBe("–");
});
