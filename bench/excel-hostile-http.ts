/**
 * npm run bench:excel-hostile-http -- --url http://localhost:3000 --email E --password P --assessment ID
 *
 * The hostile uploads of issue #26 against a RUNNING Cermin server, over HTTP, as a signed-in user
 * would post them: four clients each upload the 3.4-million-empty-cell workbook to the assessment's
 * Excel page (intent=preview) again and again for --seconds, while another polls /healthz every
 * 10 ms. Prints each upload's status and time, and /healthz latency idle and under the uploads.
 * Traffic goes only to --url (loopback); the loops are bounded in count and time.
 */
import { parseArgs } from "node:util";
import { emptyCellsWorkbook } from "../tests/helpers/hostile-xlsx";
import { percentile } from "./lib/load";

const { values: args } = parseArgs({
  options: {
    url: { type: "string", default: "http://localhost:3000" },
    email: { type: "string" },
    password: { type: "string" },
    assessment: { type: "string" },
    seconds: { type: "string", default: "10" },
    clients: { type: "string", default: "4" },
  },
});
if (!args.email || !args.password || !args.assessment) throw new Error("--email, --password and --assessment are required");
const base = args.url!;
if (!/^http:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/.test(base)) throw new Error("--url must be a loopback address");
const seconds = Number(args.seconds);
const clients = Number(args.clients);

const stats = (xs: number[]) => {
  const s = Float64Array.from(xs).sort();
  return `p50 ${percentile(s, 50).toFixed(1)} ms · p95 ${percentile(s, 95).toFixed(1)} ms · max ${s[s.length - 1]!.toFixed(1)} ms (n=${s.length})`;
};

async function login(): Promise<string> {
  const res = await fetch(`${base}/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: base },
    body: new URLSearchParams({ email: args.email!, password: args.password! }),
  });
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  if (res.status !== 302 || !cookie) throw new Error(`login failed: ${res.status}`);
  return cookie;
}

async function pollHealth(until: number): Promise<number[]> {
  const out: number[] = [];
  while (Date.now() < until && out.length < 100_000) {
    const t = performance.now();
    const res = await fetch(`${base}/healthz`);
    await res.arrayBuffer();
    out.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 10));
  }
  return out;
}

const cookie = await login();
const bytes = await emptyCellsWorkbook();
console.log(
  `hostile workbook: ${(bytes.length / 1048576).toFixed(1)} MiB, 3.4 M empty cells; ${clients} clients for ${seconds} s against ${base}`,
);
const idle = await pollHealth(Date.now() + 3000);
console.log(`/healthz idle: ${stats(idle)}`);

const until = Date.now() + seconds * 1000;
const uploads: Array<{ status: number; ms: number; message: string }> = [];
const health = pollHealth(until);
await Promise.all(
  Array.from({ length: clients }, async () => {
    while (Date.now() < until && uploads.length < 10_000) {
      const form = new FormData();
      form.set("intent", "preview");
      form.set(
        "file",
        new Blob([new Uint8Array(bytes)], { type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" }),
        "hostile.xlsx",
      );
      const t = performance.now();
      const res = await fetch(`${base}/assessments/${args.assessment}/lke`, {
        method: "POST",
        body: form,
        headers: { Cookie: cookie, Origin: base },
      });
      const text = await res.text();
      const message = /terlalu banyak[^"<]*/.exec(text)?.[0] ?? "";
      uploads.push({ status: res.status, ms: performance.now() - t, message });
    }
  }),
);
const busy = await health;
const statuses = [...new Set(uploads.map((u) => u.status))].join(", ");
console.log(`uploads: ${uploads.length} refused (HTTP ${statuses}) · per upload ${stats(uploads.map((u) => u.ms))}`);
console.log(`  message: ${uploads[0]?.message.slice(0, 160) ?? "-"}`);
console.log(`/healthz while ${clients} hostile uploads run: ${stats(busy)}`);
