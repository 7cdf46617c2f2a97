import { expect, test } from "vitest";
import {
  contentDisposition,
  decideName,
  evidenceErrorFrom,
  evidenceReadiness,
  linkName,
  MAX_NAME_LENGTH,
  parseEvidenceDate,
  parseEvidenceUrl,
  sanitiseFileName,
  withEvidenceError,
} from "~/services/evidence/rules";

test.each([
  ["../../etc/passwd.pdf", "passwd.pdf"],
  ["..\\..\\win.ini", "win.ini"],
  ["C:\\Users\\budi\\Desktop\\SK Tim ZI.pdf", "SK Tim ZI.pdf"],
  ["/abs/path/", ""],
  ["..", ""],
  ["laporan\u0000.pdf", "laporan .pdf"],
  ["baris\r\nbaru.pdf", "baris baru.pdf"],
  ["tagihan\u202Efdp.exe", "tagihanfdp.exe"],
  ["a\u200Bb.pdf", "ab.pdf"],
  ['what<>:"|?*.pdf', "what_______.pdf"],
  ["  .hidden.pdf  ", "hidden.pdf"],
  ["titik di akhir.pdf...", "titik di akhir.pdf"],
  ["CON.pdf", "_CON.pdf"],
  ["lpt1", "_lpt1"],
  ["Cafe\u0301.pdf", "Café.pdf"],
])("sanitises %j", (raw, clean) => {
  expect(sanitiseFileName(raw)).toBe(clean);
});

test("names keep the true extension, gain it when missing, and are refused when it lies", () => {
  expect(decideName("../../etc/passwd.pdf", "pdf")).toEqual({ ok: true, name: "passwd.pdf", type: "pdf" });
  expect(decideName("Foto.JPEG", "jpeg")).toEqual({ ok: true, name: "Foto.JPEG", type: "jpeg" });
  expect(decideName("scan", "pdf")).toEqual({ ok: true, name: "scan.pdf", type: "pdf" });
  expect(decideName("..\\..\\win.ini", "pdf")).toEqual({ ok: true, name: "win.ini.pdf", type: "pdf" });
  expect(decideName("Laporan v1.2", "docx")).toEqual({ ok: true, name: "Laporan v1.2.docx", type: "docx" });
  expect(decideName("", "png")).toEqual({ ok: true, name: "evidence.png", type: "png" });
  expect(decideName("foto.pdf", "png")).toEqual({ ok: false, ext: "pdf" });
  expect(decideName("laporan.exe", "pdf")).toEqual({ ok: false, ext: "exe" });
  expect(decideName("laporan.html", "pdf")).toEqual({ ok: false, ext: "html" });
  expect(decideName("lama.doc", "docx")).toEqual({ ok: false, ext: "doc" });
  expect(decideName("data.csv", "text")).toEqual({ ok: true, name: "data.csv", type: "csv" });
  expect(decideName("catatan.txt", "text")).toEqual({ ok: true, name: "catatan.txt", type: "txt" });
  expect(decideName("server.log", "text")).toEqual({ ok: true, name: "server.log.txt", type: "txt" });
  expect(decideName("payload.js", "text")).toEqual({ ok: false, ext: "js" });
  expect(decideName("payload.svg", "text")).toEqual({ ok: false, ext: "svg" });
});

test("long names are cut to the limit, keeping the extension", () => {
  const out = decideName(`${"Ä".repeat(400)}.pdf`, "pdf");
  expect(out.ok && [...out.name].length).toBe(MAX_NAME_LENGTH);
  expect(out.ok && out.name.endsWith("Ä.pdf")).toBe(true);
  const noExt = decideName("x".repeat(400), "pdf");
  expect(noExt.ok && noExt.name).toBe(`${"x".repeat(MAX_NAME_LENGTH - 4)}.pdf`);
});

test.each([
  ["https://jdih.example.go.id/sk/123?x=1#a", { ok: true, url: "https://jdih.example.go.id/sk/123?x=1#a" }],
  ["  http://Example.COM  ", { ok: true, url: "http://example.com/" }],
  ["javascript:alert(1)", { ok: false, key: "evidence.linkScheme" }],
  ["JaVaScRiPt:alert(1)", { ok: false, key: "evidence.linkScheme" }],
  ["java\nscript:alert(1)", { ok: false, key: "evidence.linkInvalid" }],
  ["\u0001javascript:alert(1)", { ok: false, key: "evidence.linkInvalid" }],
  ["data:text/html,<script>alert(1)</script>", { ok: false, key: "evidence.linkScheme" }],
  ["file:///etc/passwd", { ok: false, key: "evidence.linkScheme" }],
  ["ftp://example.com/a", { ok: false, key: "evidence.linkScheme" }],
  ["vbscript:msgbox", { ok: false, key: "evidence.linkScheme" }],
  ["https://user:secret@example.com/", { ok: false, key: "evidence.linkCredentials" }],
  ["https://user@example.com/", { ok: false, key: "evidence.linkCredentials" }],
  ["//example.com/x", { ok: false, key: "evidence.linkInvalid" }],
  ["example.com", { ok: false, key: "evidence.linkInvalid" }],
  ["https:example.com", { ok: false, key: "evidence.linkInvalid" }],
  ["https://", { ok: false, key: "evidence.linkInvalid" }],
  [`https://example.com/${"a".repeat(2100)}`, { ok: false, key: "evidence.linkTooLong" }],
])("link %j", (raw, expected) => {
  expect(parseEvidenceUrl(raw)).toEqual(expected);
});

test("link names are one clean line, defaulting to host and path", () => {
  expect(linkName("  SK\nTim\u202E ZI  ", "https://a.test/")).toBe("SK Tim ZI");
  expect(linkName("", "https://jdih.example.go.id/sk/123")).toBe("jdih.example.go.id/sk/123");
  expect(linkName(null, "https://example.com/")).toBe("example.com");
});

test("evidence dates are real calendar dates or empty", () => {
  expect(parseEvidenceDate("")).toEqual({ ok: true, value: null });
  expect(parseEvidenceDate("2025-02-28")).toEqual({ ok: true, value: "2025-02-28" });
  for (const bad of ["2025-02-30", "28-02-2025", "2025-2-1", "1800-01-01", "2025-02-28T00:00"])
    expect(parseEvidenceDate(bad)).toEqual({ ok: false });
});

test("Content-Disposition has an ASCII fallback and the exact RFC 5987 name", () => {
  expect(contentDisposition("attachment", "SK Tim ZI (final) – 2025'.pdf")).toBe(
    `attachment; filename="SK Tim ZI (final) _ 2025'.pdf"; filename*=UTF-8''SK%20Tim%20ZI%20%28final%29%20%E2%80%93%202025%27.pdf`,
  );
  expect(contentDisposition("inline", "Café.pdf")).toBe(`inline; filename="Cafe.pdf"; filename*=UTF-8''Caf%C3%A9.pdf`);
  expect(contentDisposition("attachment", "日本.pdf")).toBe(`attachment; filename="__.pdf"; filename*=UTF-8''%E6%97%A5%E6%9C%AC.pdf`);
  expect(contentDisposition("attachment", 'a"b\\c%d;e.pdf')).toMatch(/^attachment; filename="a_b_c_d_e\.pdf"; /);
});

test("readiness flags dates outside the period and one file behind many items of several areas", () => {
  const row = (id: string, itemIds: string[], extra: Partial<{ sha256: string; url: string; evidenceDate: string }> = {}) => ({
    id,
    name: `bukti-${id}`,
    sha256: extra.sha256 ?? null,
    url: extra.url ?? null,
    evidenceDate: extra.evidenceDate ?? null,
    itemIds,
  });
  const rows = [
    row("e1", ["A.I.1.i.a", "A.I.1.i.b"], { sha256: "s1", evidenceDate: "2024-12-31" }),
    row("e2", ["A.II.1.i.a", "A.III.2.i.a"], { sha256: "s1" }),
    row("e3", ["A.I.1.i.a", "A.I.1.i.b", "A.I.1.ii.a", "A.I.1.ii.b"], { sha256: "s2", evidenceDate: "2025-06-01" }),
    row("e4", ["A.I.1.i.a", "A.II.1.i.a", "A.III.1.i.a", "B.I.1.a"], { url: "https://a.test/", evidenceDate: "2027-01-01" }),
    row("e5", [], { evidenceDate: "1999-01-01" }),
  ];
  const r = evidenceReadiness(rows, { year: 2025 });
  expect(r.outsidePeriod.map((o) => o.evidenceId)).toEqual(["e1", "e4"]);
  expect(r.spreadFiles).toEqual([
    { name: "bukti-e1", items: ["A.I.1.i.a", "A.I.1.i.b", "A.II.1.i.a", "A.III.2.i.a"], evidenceIds: ["e1", "e2"] },
    { name: "bukti-e4", items: ["A.I.1.i.a", "A.II.1.i.a", "A.III.1.i.a", "B.I.1.a"], evidenceIds: ["e4"] },
  ]);
  expect(evidenceReadiness(rows, { year: 2025, evaluation_end: "2026-12-31" }).outsidePeriod.map((o) => o.evidenceId)).toEqual([
    "e1",
    "e4",
  ]);
  expect(evidenceReadiness(rows, { year: 2025, evaluation_end: "2027-03-01" }).outsidePeriod.map((o) => o.evidenceId)).toEqual(["e1"]);
});

test("a refused plain post carries its message back in the query, for that item only", () => {
  const to = withEvidenceError("/assessments/a1/areas/A.I?tab=2#item-A.I.1.i.a", {
    key: "evidence.markup",
    itemId: "A.I.1.i.a",
    params: { name: "x.html" },
  });
  expect(to).toBe("/assessments/a1/areas/A.I?tab=2&ev.error=evidence.markup&ev.item=A.I.1.i.a&ev.p.name=x.html#item-A.I.1.i.a");
  const search = new URL(to, "http://x").searchParams;
  expect(evidenceErrorFrom(search, "A.I.1.i.a")).toEqual({ key: "evidence.markup", params: { name: "x.html" } });
  expect(evidenceErrorFrom(search, "A.I.1.i.b")).toBeNull();
  expect(evidenceErrorFrom(new URLSearchParams("ev.error=<b>hi</b>&ev.item=x"), "x")).toBeNull();
});
