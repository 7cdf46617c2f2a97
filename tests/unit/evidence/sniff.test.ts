import { expect, test } from "vitest";
import { isInlineMime, sniff, typeOfMime } from "~/services/evidence-sniff";
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
