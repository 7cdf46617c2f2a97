import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { dbUnavailableHeaders } from "#db/unavailable";
import { NonceProvider } from "./utils/nonce";

const ABORT_DELAY = 5_000;

declare module "@remix-run/node" {
  interface AppLoadContext {
    /** CSP nonce for inline scripts, set by the server per response. */
    nonce?: string;
    /** Client address as the server saw it (respecting TRUST_PROXY). */
    ip?: string;
  }
}

/**
 * A loader or action that met an unreachable database threw a 503 with Retry-After (db/unavailable.ts).
 * Remix keeps a thrown Response's status for pages and `.data` requests but not its headers (only
 * Set-Cookie), so the header is put back here; resource routes answer with the thrown Response itself.
 */
function withRetryAfter(status: number, headers: Headers): void {
  if (status !== 503) return;
  for (const [k, v] of Object.entries(dbUnavailableHeaders())) if (!headers.has(k)) headers.set(k, v);
}

/** `.data` requests (client navigations, fetchers, form posts with JavaScript). */
export function handleDataRequest(response: Response): Response {
  if (response.status !== 503) return response;
  const headers = new Headers(response.headers);
  withRetryAfter(response.status, headers);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  withRetryAfter(responseStatusCode, responseHeaders);
  const nonce = loadContext.nonce;
  const waitForAll = isbot(request.headers.get("user-agent") ?? "") || remixContext.isSpaMode;
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} nonce={nonce} />
      </NonceProvider>,
      {
        nonce,
        [waitForAll ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(
            new Response(createReadableStreamFromReadable(body), { headers: responseHeaders, status: responseStatusCode }),
          );
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          if (shellRendered) console.error(error);
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}
