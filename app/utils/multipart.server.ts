/**
 * A streaming multipart/form-data reader: the body is read chunk by chunk and each part's data is
 * handed on as it arrives, so a large file never sits in memory whole (request.formData() buffers
 * the entire body and then copies every file). Names and file names are read as the WHATWG
 * multipart/form-data parser (and undici's request.formData()) reads them: UTF-8, with `%0A`, `%0D`
 * and `%22` standing for LF, CR and `"`; `filename*=UTF-8''…` (RFC 5987) is understood too.
 *
 * At most one chunk of the body, plus the few bytes that may begin the next boundary, is held at a
 * time (peakBuffered says how much, for tests); a part's header block is limited to maxHeaderBytes.
 */

export class MultipartError extends Error {
  constructor(
    message: string,
    /** "malformed": the client's fault (400); "tooLarge": past a limit (413); "unreadable": the body stream failed (client gone). */
    readonly reason: "malformed" | "tooLarge" | "unreadable" = "malformed",
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface PartInfo {
  name: string;
  /** The file name for a file part ("" when a file input was left empty), null for a plain field. */
  filename: string | null;
  contentType: string | null;
}

export interface MultipartLimits {
  /** The whole body; past it the reading stops with MultipartError("tooLarge"). */
  maxBodyBytes: number;
  maxHeaderBytes?: number;
  maxParts?: number;
}

export interface MultipartStats {
  /** Most bytes held in the reader's buffer at once. */
  peakBuffered: number;
  /** Body bytes read. */
  bytesRead: number;
}

/** The boundary of a multipart/form-data Content-Type, or null when it is not one. */
export function multipartBoundary(contentType: string | null): string | null {
  const ct = contentType ?? "";
  if (!/^\s*multipart\/form-data\s*(;|$)/i.test(ct)) return null;
  const m = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(ct);
  return m ? (m[1] ?? m[2]!) : null;
}

const CRLF = Buffer.from("\r\n");
const CRLFCRLF = Buffer.from("\r\n\r\n");
const EMPTY = Buffer.alloc(0);

class Reader {
  buf: Buffer;
  readonly stats: MultipartStats = { peakBuffered: 0, bytesRead: 0 };

  constructor(
    private readonly source: ReadableStreamDefaultReader<Uint8Array>,
    private readonly maxBytes: number,
    start: Buffer,
  ) {
    this.buf = start;
  }

  /** Appends the next chunk of the body; false at its end. */
  async more(): Promise<boolean> {
    let r: ReadableStreamReadResult<Uint8Array>;
    try {
      r = await this.source.read();
    } catch (e) {
      throw new MultipartError("the request body could not be read", "unreadable", { cause: e });
    }
    if (r.done) return false;
    const chunk = Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
    this.stats.bytesRead += chunk.length;
    if (this.stats.bytesRead > this.maxBytes) throw new MultipartError("the request body is too large", "tooLarge");
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    this.stats.peakBuffered = Math.max(this.stats.peakBuffered, this.buf.length);
    return true;
  }

  consume(n: number): void {
    this.buf = n >= this.buf.length ? EMPTY : this.buf.subarray(n);
  }
}

/** WHATWG: `%0A`, `%0D` and `%22` in names stand for LF, CR and `"` (browsers and undici encode them so). */
const decodeName = (s: string) => s.replace(/%0A/gi, "\n").replace(/%0D/gi, "\r").replace(/%22/g, '"');

/** `form-data; name="x"; filename="y"` → its parameters (lower-case keys); quoted values end at the next `"`. */
function dispositionParams(value: string): Map<string, string> {
  const m = /^\s*form-data\s*/i.exec(value);
  if (!m) throw new MultipartError("a part is not form-data");
  const params = new Map<string, string>();
  let at = m[0].length;
  while (at < value.length) {
    if (value[at] !== ";") throw new MultipartError("malformed Content-Disposition");
    at++;
    while (value[at] === " " || value[at] === "\t") at++;
    if (at >= value.length) break;
    const eq = value.indexOf("=", at);
    if (eq < 0) throw new MultipartError("malformed Content-Disposition");
    const key = value.slice(at, eq).trim().toLowerCase();
    at = eq + 1;
    while (value[at] === " " || value[at] === "\t") at++;
    let v: string;
    if (value[at] === '"') {
      const close = value.indexOf('"', at + 1);
      if (close < 0) throw new MultipartError("malformed Content-Disposition");
      v = value.slice(at + 1, close);
      at = close + 1;
    } else {
      const semi = value.indexOf(";", at);
      const end = semi < 0 ? value.length : semi;
      v = value.slice(at, end).trim();
      at = end;
    }
    while (value[at] === " " || value[at] === "\t") at++;
    if (!params.has(key)) params.set(key, v);
  }
  return params;
}

function extendedValue(v: string): string | null {
  const m = /^utf-8'[^']*'(.*)$/i.exec(v);
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return null;
  }
}

function partInfo(block: Buffer): PartInfo {
  let info: PartInfo | null = null;
  let contentType: string | null = null;
  for (const line of block.toString("utf8").split("\r\n")) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new MultipartError("malformed part header");
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === "content-type") contentType = value;
    if (key !== "content-disposition") continue;
    const params = dispositionParams(value);
    const name = params.get("name");
    if (name === undefined) throw new MultipartError("a part has no name");
    const star = params.get("filename*");
    const plain = params.get("filename");
    const filename = star !== undefined ? (extendedValue(star) ?? decodeName(plain ?? "")) : plain !== undefined ? decodeName(plain) : null;
    info = { name: decodeName(name), filename, contentType: null };
  }
  if (!info) throw new MultipartError("a part has no Content-Disposition");
  return { ...info, contentType };
}

/**
 * Reads a multipart/form-data body part by part. onPart gets each part's headers and its data as
 * chunks; whatever it leaves unread is skipped before the next part. Throws MultipartError for a
 * malformed or over-large body and when the body stream fails (a client that went away); errors
 * thrown by onPart propagate unchanged. The body is read to its end in every case (finishBody).
 */
export async function readMultipart(
  body: ReadableStream<Uint8Array>,
  boundary: string,
  onPart: (part: PartInfo, data: AsyncIterable<Buffer>) => Promise<void>,
  limits: MultipartLimits,
): Promise<MultipartStats> {
  const maxHeader = limits.maxHeaderBytes ?? 16 * 1024;
  const maxParts = limits.maxParts ?? 1000;
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  const source = body.getReader();
  // A CRLF before the body, so that the first boundary is found like every later one.
  const r = new Reader(source, limits.maxBodyBytes, Buffer.from(CRLF));
  const keep = delimiter.length - 1;
  let parts = 0;
  let failed: unknown = null;
  try {
    // The preamble, up to and including the first boundary.
    for (;;) {
      const at = r.buf.indexOf(delimiter);
      if (at >= 0) {
        r.consume(at + delimiter.length);
        break;
      }
      if (r.buf.length > keep) r.consume(r.buf.length - keep);
      if (!(await r.more())) throw new MultipartError("no multipart boundary in the body");
    }
    for (;;) {
      // After a boundary: `--` ends the body; else optional white space and CRLF, then the headers.
      let eol: number;
      while ((eol = r.buf.indexOf(CRLF)) < 0) {
        if (r.buf.length >= 2 && r.buf[0] === 0x2d && r.buf[1] === 0x2d) return r.stats;
        if (r.buf.length > 256) throw new MultipartError("malformed boundary line");
        if (!(await r.more())) throw new MultipartError("unexpected end of the body");
      }
      if (r.buf[0] === 0x2d && r.buf[1] === 0x2d) return r.stats;
      if (!/^[ \t]*$/.test(r.buf.subarray(0, eol).toString("latin1"))) throw new MultipartError("malformed boundary line");
      r.consume(eol);
      let end: number;
      while ((end = r.buf.indexOf(CRLFCRLF)) < 0) {
        if (r.buf.length > maxHeader) throw new MultipartError("part headers too large", "tooLarge");
        if (!(await r.more())) throw new MultipartError("unexpected end of the body");
      }
      if (end > maxHeader) throw new MultipartError("part headers too large", "tooLarge");
      const info = partInfo(r.buf.subarray(2, end));
      r.consume(end + 4);
      if (++parts > maxParts) throw new MultipartError("too many parts", "tooLarge");

      let finished = false;
      // Each chunk is taken out of the buffer before it is handed on, so a fresh generator resumes
      // where an abandoned one stopped (used below to skip what onPart did not read).
      async function* data(): AsyncGenerator<Buffer> {
        while (!finished) {
          const at = r.buf.indexOf(delimiter);
          if (at >= 0) {
            const last = r.buf.subarray(0, at);
            r.consume(at + delimiter.length);
            finished = true;
            if (last.length > 0) yield last;
            return;
          }
          if (r.buf.length > keep) {
            const chunk = r.buf.subarray(0, r.buf.length - keep);
            r.consume(chunk.length);
            yield chunk;
          }
          if (!(await r.more())) throw new MultipartError("unexpected end of the body");
        }
      }
      await onPart(info, data());
      for await (const _ of data()) {
        // skipped
      }
    }
  } catch (e) {
    failed = e;
    throw e;
  } finally {
    await finishBody(source, r, limits.maxBodyBytes, failed);
  }
}

/**
 * Reads the body to its end (the epilogue after the last boundary; after a refusal, the rest), up to
 * the body limit, so that the client receives the answer and its connection stays usable. A body
 * stream that failed, or one past the limit, is cancelled instead (on Node that closes the connection).
 */
async function finishBody(source: ReadableStreamDefaultReader<Uint8Array>, r: Reader, max: number, failed: unknown): Promise<void> {
  try {
    if (!(failed instanceof MultipartError && failed.reason === "unreadable")) {
      while (r.stats.bytesRead <= max) {
        const next = await source.read();
        if (next.done) return;
        r.stats.bytesRead += next.value.byteLength;
      }
    }
    await source.cancel();
  } catch {
    // The stream failed while it was being finished: nothing more to read.
  }
}
