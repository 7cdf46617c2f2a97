import fc from "fast-check";
import { expect, test } from "vitest";
import { isInlineMime, sniff, StreamSniffer, typeOfMime } from "~/services/evidence/sniff";
import * as f from "../../fixtures/evidence/files";

const enc = new TextEncoder();

test.each([
  ["pdf", f.pdf()],
  ["png", f.png()],
  ["jpeg", f.jpeg()],
  ["gif", f.gif()],
  ["webp", f.webp()],
  ["docx", f.docx()],
  ["xlsx", f.xlsx()],
  ["pptx", f.pptx()],
  ["odt", f.odf("text")],
  ["ods", f.odf("spreadsheet")],
  ["odp", f.odf("presentation")],
  ["doc", f.compoundFile(["WordDocument", "1Table", "\u0005SummaryInformation"])],
  ["xls", f.compoundFile(["Workbook"])],
  ["xls", f.compoundFile(["Book"])],
  ["ppt", f.compoundFile(["Current User", "PowerPoint Document"])],
  ["text", f.text()],
  ["text", enc.encode("\uFEFFLaporan kinerja: capaian 98,5 % — tahun 2025\r\n")],
])("recognises %s from its bytes", (type, bytes) => {
  expect(sniff(bytes)).toEqual({ ok: true, type });
});

test.each([
  ["empty", new Uint8Array(0)],
  ["markup", f.html()],
  ["markup", f.svg()],
  ["markup", enc.encode("   \n<svg onload=alert(1)>")],
  ["markup", enc.encode("Judul\n<script>alert(1)</script>")],
  ["markup", enc.encode('<?xml version="1.0"?><x/>')],
  ["executable", f.exe()],
  ["executable", f.elf()],
  ["executable", enc.encode("#!/bin/sh\nrm -rf /\n")],
  ["executable", enc.encode("@echo off\r\ndel *.*\r\n")],
  ["macro", f.docm()],
  ["macro", f.compoundFile(["WordDocument", "Macros"])],
  ["macro", f.compoundFile(["Workbook", "_VBA_PROJECT_CUR"])],
  ["unknown", f.plainZip()],
  ["unknown", f.odf("graphics")],
  ["unknown", f.compoundFile(["EncryptedPackage", "EncryptionInfo"])],
  ["unknown", f.compoundFile(["\u4840\u463f\u4177"])],
  ["unknown", new Uint8Array([0x00, 0x01, 0x02, 0xff, 0xfe])],
  ["unknown", new Uint8Array([0xc3, 0x28, 0x41])],
  ["unknown", enc.encode("tab\tok but NUL\0 is binary")],
  ["unknown", enc.encode("escape \x1b[31m codes")],
])("refuses %s", (reason, bytes) => {
  expect(sniff(bytes)).toEqual({ ok: false, reason });
});

test("truncated or corrupt containers are refused, never thrown", () => {
  const docx = f.docx();
  for (const cut of [4, 30, 100, docx.length - 10]) expect(sniff(docx.subarray(0, cut)).ok).toBe(false);
  const cfb = f.compoundFile(["WordDocument"]);
  const broken = cfb.slice();
  new DataView(broken.buffer).setUint32(0x30, 4000, true);
  expect(sniff(broken)).toEqual({ ok: false, reason: "unknown" });
  const looping = cfb.slice();
  new DataView(looping.buffer).setUint32(512 + 4, 1, true);
  expect(sniff(looping)).toEqual({ ok: false, reason: "unknown" });
});

test("the extension and the browser's type play no part: only bytes", () => {
  const named = new File([f.html()], "laporan.pdf", { type: "application/pdf" });
  return named.arrayBuffer().then((b) => expect(sniff(new Uint8Array(b))).toEqual({ ok: false, reason: "markup" }));
});

test("only PDFs and images may be shown inline", () => {
  expect(isInlineMime("application/pdf")).toBe(true);
  expect(isInlineMime("image/png")).toBe(true);
  expect(isInlineMime("text/plain; charset=utf-8")).toBe(false);
  expect(isInlineMime("image/svg+xml")).toBe(false);
  expect(typeOfMime("application/vnd.ms-excel")).toBe("xls");
});

test("streamed chunk by chunk, every input gets the verdict of the whole bytes (sniff)", () => {
  const long = "x".repeat(5000);
  const inputs: Uint8Array[] = [
    f.pdf(),
    f.png(),
    f.jpeg(),
    f.gif(),
    f.webp(),
    f.docx(),
    f.docm(),
    f.xlsx(),
    f.odf("text"),
    f.odf("graphics"),
    f.plainZip(),
    f.compoundFile(["WordDocument"]),
    f.compoundFile(["Workbook", "_VBA_PROJECT_CUR"]),
    f.text(),
    f.html(),
    f.svg(),
    f.exe(),
    f.elf(),
    new Uint8Array(0),
    new Uint8Array([0xef, 0xbb, 0xbf, 0x41]),
    new Uint8Array([0xef, 0xbb, 0xbf, 0xef, 0xbb, 0xbf, 0x3c, 0x62]),
    enc.encode(`${" \n\t".repeat(3000)}<script>alert(1)</script>`),
    enc.encode(`${" ".repeat(10)}Judul ${long} <svg>`),
    enc.encode(`Judul <svg> ${long}`),
    enc.encode("#!/bin/sh"),
    enc.encode("capaian 98,5 % — tahun 2025 ✓ 漢字"),
    new Uint8Array([...enc.encode("teks biasa "), 0xe2, 0x80]),
    enc.encode("ab"),
    enc.encode("MZ"),
    enc.encode("%PDF"),
  ];
  for (const bytes of inputs) {
    const whole = sniff(bytes);
    for (const size of [1, 2, 3, 5, 7, 16, 17, 4096]) {
      const s = new StreamSniffer();
      for (let at = 0; at < bytes.length; at += size) s.push(bytes.subarray(at, at + size));
      expect(s.finish(bytes)).toEqual(whole);
    }
  }
  // Only containers are judged from more than the stream: a PDF or text never reads the stored bytes.
  const s = new StreamSniffer();
  s.push(f.pdf());
  expect(s.needsWholeFile).toBe(false);
  expect(s.finish({ length: 0, at: () => undefined })).toEqual({ ok: true, type: "pdf" });
  const z = new StreamSniffer();
  z.push(f.docx().subarray(0, 100));
  expect(z.needsWholeFile).toBe(true);
});

/** The text rule as it was when sniff() read whole files only: the reference for the streamed check. */
function wholeTextVerdict(bytes: Uint8Array): string {
  for (const b of bytes) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) return "not text";
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return "not text";
  }
  const head = text.replace(/^\uFEFF/, "").trimStart();
  if (
    head.startsWith("<") ||
    /<\s*(script|html|svg|!doctype|\?xml|iframe|body|head|object|embed|meta|link|style|math|xsl)/i.test(head.slice(0, 4096))
  )
    return "markup";
  if (head.startsWith("#!") || /^(@echo|<%|<\?php)/i.test(head)) return "executable";
  return "text";
}

test("property: the streamed text check agrees with the whole-file rule, split anywhere", () => {
  const piece = fc.oneof(
    fc.constantFrom(
      " ",
      "\n",
      "\t",
      "\r\n",
      "\uFEFF",
      "<",
      "<svg",
      "< script",
      "#!",
      "@echo",
      "<?php",
      "é",
      "漢",
      "😀",
      "\u0000",
      "\u001b",
      "x",
    ),
    fc.string({ maxLength: 40 }),
  );
  const input = fc.tuple(
    fc.array(piece, { maxLength: 40 }),
    fc.integer({ min: 0, max: 5000 }),
    fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 8 }),
    fc.boolean(),
  );
  fc.assert(
    fc.property(input, ([pieces, pad, sizes, cut]) => {
      let bytes = enc.encode(" ".repeat(pad % 7 === 0 ? pad : 0) + pieces.join(""));
      if (cut && bytes.length > 1) bytes = bytes.subarray(0, bytes.length - 1);
      if (bytes.length === 0) return;
      const s = new StreamSniffer();
      for (let at = 0, i = 0; at < bytes.length; at += sizes[i++ % sizes.length]!)
        s.push(bytes.subarray(at, at + sizes[i % sizes.length]!));
      const verdict = s.finish(bytes);
      // Inputs with a binary signature (or the bare executable prefixes) never reach the text rule.
      if (verdict.ok && verdict.type !== "text") return;
      if (/^(MZ|\x7fELF)/.test(new TextDecoder("latin1").decode(bytes.subarray(0, 4))) && !verdict.ok) return;
      const expected = wholeTextVerdict(bytes);
      if (expected === "text") expect(verdict).toEqual({ ok: true, type: "text" });
      else if (expected === "not text") expect(verdict.ok).toBe(false);
      else expect(verdict).toEqual({ ok: false, reason: expected });
    }),
    { numRuns: 400 },
  );
});
