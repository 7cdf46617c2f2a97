import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";

export const BASE = "http://localhost:3000";

export interface Outcome {
  status: number;
  headers: Headers;
  data: unknown;
  location: string | null;
}

type RouteModule = {
  loader?: (args: LoaderFunctionArgs) => unknown;
  action?: (args: ActionFunctionArgs) => unknown;
};

function isDataWithInit(v: unknown): v is { type: "DataWithResponseInit"; data: unknown; init: ResponseInit | null } {
  return typeof v === "object" && v !== null && (v as { type?: unknown }).type === "DataWithResponseInit";
}

async function normalise(value: unknown): Promise<Outcome> {
  if (value instanceof Response) {
    const text = await value.text();
    let data: unknown = text;
    try {
      data = JSON.parse(text);
    } catch {
      /* plain text body */
    }
    return { status: value.status, headers: value.headers, data, location: value.headers.get("location") };
  }
  if (isDataWithInit(value)) {
    const headers = new Headers(value.init?.headers);
    return { status: value.init?.status ?? 200, headers, data: value.data, location: headers.get("location") };
  }
  return { status: 200, headers: new Headers(), data: value, location: null };
}

/** Runs a loader or action like Remix does; thrown Responses become outcomes, other errors propagate (a would-be 500). */
async function run(fn: () => unknown): Promise<Outcome> {
  try {
    return await normalise(await fn());
  } catch (e) {
    if (e instanceof Response || isDataWithInit(e)) return normalise(e);
    throw e;
  }
}

export interface CallOptions {
  path: string;
  cookie?: string | null;
  params?: Record<string, string>;
  context?: AppLoadContext;
  headers?: Record<string, string>;
}

export function makeRequest(opts: CallOptions & { method?: string; body?: BodyInit }): Request {
  const headers = new Headers(opts.headers);
  if (opts.cookie) headers.set("cookie", opts.cookie);
  return new Request(BASE + opts.path, { method: opts.method ?? "GET", headers, body: opts.body });
}

export function callLoader(mod: RouteModule, opts: CallOptions): Promise<Outcome> {
  if (!mod.loader) throw new Error(`route ${opts.path} has no loader`);
  const request = makeRequest(opts);
  return run(() => mod.loader!({ request, params: opts.params ?? {}, context: opts.context ?? {} }));
}

export function callAction(mod: RouteModule, opts: CallOptions & { form?: Record<string, string> | FormData; body?: BodyInit; contentType?: string }): Promise<Outcome> {
  if (!mod.action) throw new Error(`route ${opts.path} has no action`);
  let body: BodyInit | undefined = opts.body;
  if (opts.form instanceof FormData) body = opts.form;
  else if (opts.form) body = new URLSearchParams(opts.form);
  const headers = { ...(opts.headers ?? {}) };
  if (opts.contentType) headers["content-type"] = opts.contentType;
  const request = makeRequest({ ...opts, headers, method: "POST", body });
  return run(() => mod.action!({ request, params: opts.params ?? {}, context: opts.context ?? { ip: "203.0.113.9" } }));
}

/** "name=value" of a Set-Cookie header, to send back as a Cookie header. */
export function cookieFrom(setCookie: string | null): string | null {
  return setCookie ? setCookie.split(";")[0]! : null;
}
