import { expect, test } from "vitest";
import { MultipartError, multipartBoundary, readMultipart, type PartInfo } from "~/utils/multipart.server";

/** The body and boundary undici (fetch's Request) sends for a FormData, like a browser. */
async function serialise(fd: FormData): Promise<{ body: Buffer; boundary: string; contentType: string }> {
  const r = new Request("http://x/", { method: "POST", body: fd });
  const contentType = r.headers.get("content-type")!;
  return { body: Buffer.from(await r.arrayBuffer()), boundary: multipartBoundary(contentType)!, contentType };
}

/** The body as a stream of chunks of the given sizes (cycled). */
function streamOf(body: Buffer, sizes: number[] = [body.length]): ReadableStream<Uint8Array> {
  let at = 0;
  let i = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= body.length) return c.close();
      const n = Math.max(1, sizes[i++ % sizes.length]!);
      c.enqueue(new Uint8Array(body.subarray(at, at + n)));
      at += n;
    },
  });
}

type Entry = [string, string | { filename: string; type: string | null; bytes: string }];

async function read(body: ReadableStream<Uint8Array>, boundary: string, maxBodyBytes = 10_000_000): Promise<Entry[]> {
  const out: Entry[] = [];
  await readMultipart(
    body,
    boundary,
    async (part: PartInfo, data) => {
      const chunks: Buffer[] = [];
      for await (const c of data) chunks.push(c);
      const bytes = Buffer.concat(chunks).toString("latin1");
      out.push([
        part.name,
        part.filename === null ? Buffer.from(bytes, "latin1").toString("utf8") : { filename: part.filename, type: part.contentType, bytes },
      ]);
    },
    { maxBodyBytes },
  );
  return out;
}

async function viaUndici(fd: FormData): Promise<Entry[]> {
  const back = await new Request("http://x/", { method: "POST", body: fd }).formData();
  const out: Entry[] = [];
  for (const [k, v] of back) {
    out.push([
      k,
      typeof v === "string" ? v : { filename: v.name, type: v.type || null, bytes: Buffer.from(await v.arrayBuffer()).toString("latin1") },
    ]);
  }
  return out;
}

function sampleForm(): FormData {
  const fd = new FormData();
  fd.append("intent", "upload");
  fd.append("catatan", "baris satu\r\nbaris dua – é ✓");
  fd.append(
    "file",
    new File(["%PDF-1.4\r\n--not-a-boundary\r\n\r\n\u0000\u00ff"], 'SK; No.=12 "final"\nrev.pdf', { type: "application/pdf" }),
  );
  fd.append("file", new File([new Uint8Array(0)], ""));
  fd.append("file", new File(["isi"], "..\\..\\Laporan Kinerja – 2025 (final).txt", { type: "text/plain" }));
  fd.append('na"me\nx', "nilai");
  fd.append("kosong", "");
  return fd;
}

test("reads what undici's request.formData() reads, however the body is split into chunks", async () => {
  const expected = await viaUndici(sampleForm());
  const { body, boundary } = await serialise(sampleForm());
  expect(expected.map(([k]) => k)).toEqual(["intent", "catatan", "file", "file", "file", 'na"me\r\nx', "kosong"]);
  // Undici reports an empty file input's type as application/octet-stream, the part header says so too.
  for (const sizes of [[body.length], [1], [2], [3], [7], [13, 1, 64], [41], [200, 5]]) {
    expect(await read(streamOf(body, sizes), boundary)).toEqual(expected);
  }
});

test("file names: RFC 5987 filename* wins, quoted values may hold ';' and '=', and the boundary may be quoted", async () => {
  const boundary = "xYz";
  const body = Buffer.from(
    [
      "preamble ignored",
      `--${boundary}`,
      `Content-Disposition: form-data; name="file"; filename="fallback.pdf"; filename*=UTF-8''Laporan%20%E2%80%93%20akhir.pdf`,
      "Content-Type: application/pdf",
      "",
      "%PDF-",
      `--${boundary}  `,
      `content-disposition: FORM-DATA; filename="a;b=c.pdf"; name=file`,
      "",
      "x",
      `--${boundary}--`,
      "epilogue ignored",
    ].join("\r\n"),
  );
  expect(multipartBoundary(`multipart/form-data; boundary="${boundary}"`)).toBe(boundary);
  expect(await read(streamOf(body, [5]), boundary)).toEqual([
    ["file", { filename: "Laporan – akhir.pdf", type: "application/pdf", bytes: "%PDF-" }],
    ["file", { filename: "a;b=c.pdf", type: null, bytes: "x" }],
  ]);
});

test("content types without a multipart boundary have none", () => {
  expect(multipartBoundary("multipart/form-data; boundary=abc")).toBe("abc");
  expect(multipartBoundary("Multipart/Form-Data;boundary=----x")).toBe("----x");
  expect(multipartBoundary("multipart/form-data")).toBeNull();
  expect(multipartBoundary("application/x-www-form-urlencoded")).toBeNull();
  expect(multipartBoundary("multipart/mixed; boundary=abc")).toBeNull();
  expect(multipartBoundary(null)).toBeNull();
});

test("what a handler leaves unread is skipped, and the next part still arrives", async () => {
  const { body, boundary } = await serialise(sampleForm());
  const seen: string[] = [];
  await readMultipart(
    streamOf(body, [3]),
    boundary,
    async (part, data) => {
      seen.push(part.name);
      if (part.filename !== null) for await (const _ of data) break;
    },
    { maxBodyBytes: 1e6 },
  );
  expect(seen).toEqual(["intent", "catatan", "file", "file", "file", 'na"me\r\nx', "kosong"]);
});

const failure = async (p: Promise<unknown>) => {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(MultipartError);
  return (e as MultipartError).reason;
};

test("malformed bodies, limits and a failing stream are MultipartErrors with a reason", async () => {
  const { body, boundary } = await serialise(sampleForm());
  const raw = (s: string) => read(streamOf(Buffer.from(s), [4]), "b");
  expect(await failure(raw("--nope\r\ngarbage"))).toBe("malformed");
  expect(await failure(raw('--b\r\nContent-Disposition: form-data; name="x"\r\n\r\nno end'))).toBe("malformed");
  expect(await failure(raw("--b\r\nno colon here\r\n\r\nx\r\n--b--"))).toBe("malformed");
  expect(await failure(raw('--b\r\nContent-Disposition: form-data; filename="a"\r\n\r\nx\r\n--b--'))).toBe("malformed");
  expect(await failure(raw('--b\r\nContent-Disposition: attachment; name="a"\r\n\r\nx\r\n--b--'))).toBe("malformed");
  expect(await failure(raw('--b\r\nContent-Disposition: form-data; name="a\r\n\r\nx\r\n--b--'))).toBe("malformed");
  expect(await failure(raw(`--b\r\nX-Long: ${"a".repeat(20_000)}\r\n\r\nx\r\n--b--`))).toBe("tooLarge");
  expect(await failure(read(streamOf(body, [100]), boundary, body.length - 1))).toBe("tooLarge");
  expect(await read(streamOf(body, [100]), boundary, body.length)).toHaveLength(7);
  const broken = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new Uint8Array(body.subarray(0, 300)));
      c.error(new Error("socket hang up"));
    },
  });
  expect(await failure(read(broken, boundary))).toBe("unreadable");
});

test("one chunk at a time: a 4 MiB file part never makes the reader hold more than a chunk and a boundary", async () => {
  const fd = new FormData();
  fd.append("file", new File([new Uint8Array(4 * 1024 * 1024).fill(0x41)], "besar.txt"));
  const { body, boundary } = await serialise(fd);
  let largest = 0;
  let total = 0;
  const stats = await readMultipart(
    streamOf(body, [64 * 1024]),
    boundary,
    async (_part, data) => {
      for await (const c of data) {
        largest = Math.max(largest, c.length);
        total += c.length;
      }
    },
    { maxBodyBytes: body.length },
  );
  expect(total).toBe(4 * 1024 * 1024);
  expect(largest).toBeLessThanOrEqual(64 * 1024 + 100);
  expect(stats.peakBuffered).toBeLessThanOrEqual(64 * 1024 + 200);
  expect(stats.bytesRead).toBe(body.length);
});
