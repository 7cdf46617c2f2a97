import crypto from "node:crypto";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import express from "express";
import { dbUnavailableHeaders, isDbUnavailable, logDbUnavailable } from "#db/unavailable";
import {
  bodyLimitFor,
  checkBodySize,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_WORKBOOK_MAX_BYTES,
  isFramableEvidence,
  originRefusal,
  originRefusalMessage,
  parseTrustProxy,
  securityHeaders,
  setDefaultHeaders,
} from "~/server/security";

export interface ServerOptions {
  buildDir: string;
  maxBodyBytes?: number;
}

/**
 * The methods Remix serves. Others never reach it: fetch's Request refuses TRACE and CONNECT (a 500),
 * and an OPTIONS `.data` request of a signed-in user failed inside Remix's single fetch (a 500); the
 * app answers no CORS preflight (every form posts to its own origin).
 */
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]);

function allowedOrigins(req: express.Request): string[] {
  const own = `${req.protocol}://${req.get("host") ?? ""}`.toLowerCase();
  const extra = (process.env.APP_ORIGIN ?? "")
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  return [own, ...extra];
}

/** The production HTTP server: security headers, CSRF and body-size guards, static assets, then Remix. */
export async function createServer(opts: ServerOptions): Promise<express.Express> {
  const build = (await import(pathToFileURL(path.join(opts.buildDir, "server", "index.js")).href)) as ServerBuild;
  const limits = {
    body: opts.maxBodyBytes ?? (Number(process.env.MAX_BODY_BYTES) || DEFAULT_MAX_BODY_BYTES),
    evidence: Number(process.env.EVIDENCE_MAX_BYTES) || 25 * 1024 * 1024,
    workbook: Number(process.env.LKE_MAX_BYTES) || DEFAULT_WORKBOOK_MAX_BYTES,
  };
  const app = express();
  app.disable("x-powered-by");
  const trustProxy = parseTrustProxy(process.env.TRUST_PROXY);
  if (trustProxy !== undefined) app.set("trust proxy", trustProxy);

  app.use((req, res, next) => {
    const nonce = crypto.randomBytes(16).toString("base64");
    res.locals.nonce = nonce;
    // Once each: a header the route sets itself (resource routes, evidence downloads) replaces the default.
    setDefaultHeaders(res, securityHeaders(nonce, req.protocol === "https", isFramableEvidence(req.path, req.query.inline === "1")));
    if (!METHODS.has(req.method)) {
      req.resume();
      res
        .status(405)
        .set("Allow", "GET, HEAD, POST")
        .type("text/plain; charset=utf-8")
        .send("Metode tidak diizinkan. / Method not allowed.");
      return;
    }
    const refused = originRefusal({
      method: req.method,
      origin: req.get("origin"),
      secFetchSite: req.get("sec-fetch-site"),
      expectedOrigins: allowedOrigins(req),
      hasCookie: Boolean(req.get("cookie")),
    });
    if (refused) {
      res.status(403).type("text/plain; charset=utf-8").send(originRefusalMessage(refused));
      return;
    }
    const size = checkBodySize({
      method: req.method,
      contentLength: req.get("content-length"),
      chunked: (req.get("transfer-encoding") ?? "").includes("chunked"),
      limit: bodyLimitFor(req.path, limits),
    });
    if (size !== "ok") {
      // Read (and discard) what the client is already sending, so it sees the answer instead of a reset.
      req.resume();
      res.setHeader("Connection", "close");
      res
        .status(size === "too_large" ? 413 : 411)
        .type("text/plain; charset=utf-8")
        .send(
          size === "too_large" ? "Data yang dikirim terlalu besar. / Request body too large." : "Content-Length wajib. / Length required.",
        );
      return;
    }
    next();
  });

  app.use("/assets", express.static(path.join(opts.buildDir, "client", "assets"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(opts.buildDir, "client"), { maxAge: "1h", index: false }));
  app.all(
    "*",
    createRequestHandler({
      build,
      mode: "production",
      getLoadContext: (req, res) => ({ nonce: res.locals.nonce as string, ip: req.ip ?? undefined }),
    }),
  );
  app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    // Past Remix (a database error outside a loader or action): still a 503 to retry, not a 500.
    if (isDbUnavailable(err)) {
      logDbUnavailable(err);
      if (!res.headersSent) {
        res
          .status(503)
          .set(dbUnavailableHeaders())
          .type("text/plain; charset=utf-8")
          .send("Basis data sedang tidak dapat dihubungi; coba lagi sebentar lagi. / The database cannot be reached; try again shortly.");
      }
      return;
    }
    // Express's own client errors (a path that is not valid percent-encoded UTF-8: decode_param) carry a 4xx status.
    const status =
      (err as { status?: unknown; statusCode?: unknown } | null)?.status ?? (err as { statusCode?: unknown } | null)?.statusCode;
    if (typeof status === "number" && status >= 400 && status < 500) {
      if (!res.headersSent) res.status(status).type("text/plain; charset=utf-8").send("Permintaan tidak valid. / Bad request.");
      return;
    }
    console.error(err);
    if (!res.headersSent) res.status(500).type("text/plain; charset=utf-8").send("Terjadi kesalahan pada server. / Server error.");
  });
  return app;
}
