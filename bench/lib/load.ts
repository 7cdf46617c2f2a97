/**
 * A small closed-loop HTTP load generator: N clients, each with one request in flight at a time,
 * over a keep-alive agent with exactly N sockets (node:http, no extra dependencies).
 */
import http from "node:http";

export interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

export class Client {
  readonly agent: http.Agent;
  /** Every socket the agent opened, to prove the connection count. */
  readonly sockets = new Set<unknown>();
  constructor(
    readonly baseUrl: URL,
    connections: number,
    private readonly timeoutMs = 10_000,
  ) {
    // FIFO hands requests to the sockets in turn, so in a paced phase none sits idle; and an idle
    // socket is closed here after 4 s, before the server's 5 s keep-alive timeout. Otherwise a request
    // can go out on a socket the server is closing at that moment (ECONNRESET: a client-side race,
    // seen once in a paced phase with idle sockets, not a server failure).
    this.agent = new http.Agent({
      keepAlive: true,
      maxSockets: connections,
      maxFreeSockets: connections,
      scheduling: "fifo",
      timeout: 4000,
    });
  }

  post(path: string, body: string, headers: Record<string, string> = {}): Promise<Reply> {
    return this.request("POST", path, body, headers);
  }

  /** A page load: the document request, no body. */
  get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
    return this.request("GET", path, null, headers);
  }

  private request(method: "GET" | "POST", path: string, body: string | null, headers: Record<string, string>): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          agent: this.agent,
          host: this.baseUrl.hostname,
          port: this.baseUrl.port,
          path,
          method,
          headers: {
            Origin: this.baseUrl.origin,
            ...(body === null
              ? {}
              : { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(Buffer.byteLength(body)) }),
            ...headers,
          },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (text += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
          res.on("error", reject);
        },
      );
      req.on("socket", (s) => this.sockets.add(s));
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`timeout after ${this.timeoutMs} ms`)));
      req.on("error", reject);
      req.end(body ?? undefined);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** One step of one client: resolves with an outcome label ("ok" counts as success, anything else is an error). */
export type Step = (client: number) => Promise<"ok" | string>;

export interface PhaseResult {
  requests: number;
  /** Requests answered in warm-up and measured window together. */
  completed: number;
  seconds: number;
  latencies: Float64Array;
  errors: Map<string, number>;
}

/**
 * Runs `clients` loops of `step` for warm-up + measure seconds (capped at `maxRequests` measured
 * requests). Only requests started inside the measured window are recorded; in-flight requests
 * are awaited at the end, never abandoned. Closed loop by default (next request as soon as the
 * previous one answered); with `paceMs` each client starts one request every paceMs (staggered),
 * and latency counts from the scheduled start, so a server falling behind is not hidden.
 */
export async function runPhase(
  clients: number,
  warmupS: number,
  measureS: number,
  maxRequests: number,
  step: Step,
  paceMs = 0,
): Promise<PhaseResult> {
  const start = performance.now();
  const measureFrom = start + warmupS * 1000;
  const measureTo = measureFrom + measureS * 1000;
  const latencies: number[] = [];
  const errors = new Map<string, number>();
  let lastEnd = measureFrom;
  let completed = 0;
  const loop = async (c: number) => {
    let next = start + (paceMs * c) / clients;
    for (;;) {
      if (paceMs > 0 && next > performance.now()) await new Promise((r) => setTimeout(r, next - performance.now()));
      const t0 = paceMs > 0 ? next : performance.now();
      next += paceMs;
      if (t0 >= measureTo || latencies.length >= maxRequests) return;
      let outcome: string;
      try {
        outcome = await step(c);
      } catch (e) {
        outcome = (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
      }
      const t1 = performance.now();
      completed++;
      if (t0 < measureFrom) continue;
      latencies.push(t1 - t0);
      lastEnd = Math.max(lastEnd, t1);
      if (outcome !== "ok") errors.set(outcome, (errors.get(outcome) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, c) => loop(c)));
  const sorted = Float64Array.from(latencies).sort();
  return { requests: sorted.length, completed, seconds: (lastEnd - measureFrom) / 1000, latencies: sorted, errors };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
