import fs from "node:fs";
import path from "node:path";
import { expect, test } from "vitest";
import { en } from "~/i18n/en";
import { id } from "~/i18n/id";
import { formatDate, formatNumber, translator } from "~/i18n";

test("Indonesian numbers use a decimal comma and dot grouping", () => {
  expect(formatNumber(1234.5, "id", 2)).toBe("1.234,50");
  expect(formatNumber(1234.5, "en", 2)).toBe("1,234.50");
  expect(formatNumber(66.666666, "id")).toBe("66,67");
});

test("dates follow the locale", () => {
  expect(formatDate("2025-03-01", "id")).toMatch(/1 Mar 2025/);
  expect(formatDate("2025-03-01", "en")).toMatch(/1 Mar 2025/);
  expect(formatDate("2025-08-17", "id")).toMatch(/Agu/);
  expect(formatDate(null, "id")).toBe("–");
});

test("placeholders are filled and numbers formatted per locale", () => {
  expect(translator("id")("login.throttled", { seconds: 1500 })).toBe("Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam 1.500 detik.");
  expect(translator("en")("home.welcome", { name: "Sari" })).toBe("Welcome, Sari");
});

test("every English entry has the same placeholders as the Indonesian one, and none is left empty", () => {
  const ph = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  for (const key of Object.keys(id) as (keyof typeof id)[]) {
    expect(en[key].trim().length, key).toBeGreaterThan(0);
    expect(ph(en[key]), key).toEqual(ph(id[key]));
  }
});

test("every t('…') key used in the app exists in the dictionary", () => {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.tsx?$/.test(e.name)) files.push(p);
    }
  };
  walk("app");
  const used = new Set<string>();
  for (const f of files) for (const m of fs.readFileSync(f, "utf8").matchAll(/\bt\("([\w.]+)"/g)) used.add(m[1]!);
  expect(used.size).toBeGreaterThan(40);
  for (const k of used) expect(Object.prototype.hasOwnProperty.call(id, k), k).toBe(true);
});
