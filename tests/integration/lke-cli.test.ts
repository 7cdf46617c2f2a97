/**
 * The `cermin lke` commands as a user runs them (the real bin, a child process, the demo database):
 * template, export, score (the same JSON as `cermin score --json`), import (preview only, then
 * --apply), and a bad workbook (exit 2, the sheet and cell named, nothing changed).
 */
import fs from "node:fs";
import path from "node:path";
import SQLite from "better-sqlite3";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, expect, test } from "vitest";
import { runCli, tempDir } from "../helpers/server";

let dir: string;
let draftId: string;

const db = () => new SQLite(path.join(dir, "cermin.db"), { readonly: true });
const file = (name: string) => path.join(dir, name);
const selfAnswers = () => {
  const conn = db();
  try {
    return conn
      .prepare("SELECT item_id, value_json, note, version FROM answer WHERE assessment_id = ? AND layer = 'self' ORDER BY item_id")
      .all(draftId) as Array<{
      item_id: string;
      value_json: string | null;
      note: string | null;
      version: number;
    }>;
  } finally {
    conn.close();
  }
};

beforeAll(async () => {
  dir = tempDir("cermin-lke-cli-");
  const seeded = await runCli(["db", "seed", "--demo"], dir);
  expect(seeded.code, seeded.stderr).toBe(0);
  const conn = db();
  draftId = conn
    .prepare(
      "SELECT a.id FROM assessment a JOIN unit u ON u.id = a.unit_id JOIN period p ON p.id = a.period_id WHERE u.code = 'KLP-JKT' AND p.year = 2025",
    )
    .pluck()
    .get() as string;
  conn.close();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

test("lke template, then lke score --json of the blank workbook equals cermin score --json of no answers", async () => {
  const t = await runCli(["lke", "template", "zi-2021", "-o", file("templat.xlsx")], dir);
  expect(t.code, t.stderr).toBe(0);
  expect(fs.readFileSync(file("templat.xlsx")).subarray(0, 2).toString()).toBe("PK");
  fs.writeFileSync(file("kosong.json"), "{}");
  const fromWorkbook = await runCli(["lke", "score", file("templat.xlsx"), "--json"], dir);
  const fromJson = await runCli(["score", "zi-2021", file("kosong.json"), "--json"], dir);
  expect(fromWorkbook.code, fromWorkbook.stderr).toBe(0);
  expect(JSON.parse(fromWorkbook.stdout)).toEqual(JSON.parse(fromJson.stdout));
  const unknown = await runCli(["lke", "template", "tidak-ada", "-o", file("x.xlsx")], dir);
  expect(unknown.code).toBe(1);
  expect(unknown.stderr).toMatch(/unknown instrument "tidak-ada"/);
  // Several CLI processes in a row (each starts the app's code afresh): minutes on a loaded 2-core machine.
}, 120_000);

test("lke export → lke import: no change; a filled workbook previews without changing anything, --apply applies it", async () => {
  const exp = await runCli(["lke", "export", draftId, "-o", file("lke.xlsx")], dir);
  expect(exp.code, exp.stderr).toBe(0);
  const same = await runCli(["lke", "import", draftId, file("lke.xlsx")], dir);
  expect(same.code, same.stderr).toBe(0);
  expect(same.stdout).toMatch(/Perubahan: 0/);

  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(fs.readFileSync(file("lke.xlsx")) as unknown as ArrayBuffer);
  const ws = wb.getWorksheet("Jawaban")!;
  ws.eachRow((row) => {
    const code = row.getCell(1).value;
    if (code === "A.I.1.i.a") row.getCell(4).value = "TIDAK ";
    if (code === "A.I.1.i.b") row.getCell(6).value = "Catatan dari Excel\nbaris kedua";
  });
  await wb.xlsx.writeFile(file("terisi.xlsx"));
  const before = selfAnswers();
  const preview = await runCli(["lke", "import", draftId, file("terisi.xlsx"), "--as", "koordinator@kemendemo.test"], dir);
  expect(preview.code, preview.stderr).toBe(0);
  expect(preview.stdout).toMatch(/A\.I\.1\.i\.a \(D\d+\): .* → Tidak/);
  expect(preview.stdout).toMatch(/--apply/);
  expect(selfAnswers()).toEqual(before);

  const applied = await runCli(["lke", "import", draftId, file("terisi.xlsx"), "--apply", "--as", "koordinator@kemendemo.test"], dir);
  expect(applied.code, applied.stderr).toBe(0);
  expect(applied.stdout).toMatch(/Diterapkan: 2 jawaban/);
  const after = new Map(selfAnswers().map((r) => [r.item_id, r]));
  expect(after.get("A.I.1.i.a")!.value_json).toBe('"Tidak"');
  expect(after.get("A.I.1.i.b")!.note).toBe("Catatan dari Excel\nbaris kedua");

  // The filled workbook scores offline exactly as the engine scores the answers now in the database.
  const answers = Object.fromEntries(selfAnswers().flatMap((r) => (r.value_json === null ? [] : [[r.item_id, JSON.parse(r.value_json)]])));
  fs.writeFileSync(file("jawaban.json"), JSON.stringify(answers));
  const offline = await runCli(["lke", "score", file("terisi.xlsx"), "--json"], dir);
  const engine = await runCli(["score", "zi-2021", file("jawaban.json"), "--json"], dir);
  expect(JSON.parse(offline.stdout)).toEqual(JSON.parse(engine.stdout));
  // Several CLI processes in a row (each starts the app's code afresh): minutes on a loaded 2-core machine.
}, 120_000);

test("a bad workbook: exit 2, the sheet and cell named, nothing changed", async () => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(fs.readFileSync(file("lke.xlsx")) as unknown as ArrayBuffer);
  const ws = wb.getWorksheet("Jawaban")!;
  let cell = "";
  ws.eachRow((row) => {
    if (row.getCell(1).value === "A.I.1.i.a") {
      row.getCell(4).value = "Mungkin";
      cell = row.getCell(4).address;
    }
  });
  await wb.xlsx.writeFile(file("salah.xlsx"));
  fs.writeFileSync(file("bukan.xlsx"), "ini bukan buku kerja");
  const before = selfAnswers();
  const bad = await runCli(["lke", "import", draftId, file("salah.xlsx"), "--apply"], dir);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain(`sheet Jawaban, sel ${cell}: A.I.1.i.a: "Mungkin" bukan pilihan jawaban`);
  const notXlsx = await runCli(["lke", "score", file("bukan.xlsx")], dir);
  expect(notXlsx.code).toBe(2);
  expect(notXlsx.stderr).toMatch(/bukan berkas \.xlsx/);
  expect(selfAnswers()).toEqual(before);
});
