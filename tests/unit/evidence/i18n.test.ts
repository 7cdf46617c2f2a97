import { expect, test } from "vitest";
import { evidenceEn } from "~/i18n/evidence.en";
import { evidenceId } from "~/i18n/evidence.id";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test("evidence strings: own namespace, both languages, the same placeholders", () => {
  expect(Object.keys(evidenceEn).sort()).toEqual(Object.keys(evidenceId).sort());
  for (const [key, text] of Object.entries(evidenceId)) {
    expect(key).toMatch(/^evidence\.[A-Za-z]+$/);
    expect(placeholders(evidenceEn[key as keyof typeof evidenceId]), key).toEqual(placeholders(text));
  }
});
