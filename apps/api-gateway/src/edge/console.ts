// The web console (apps/web-console, built by `npm run build` into CONSOLE_DIR), served from the
// edge's own origin so that the API needs no CORS and the refresh cookie stays SameSite=Strict.
// Files first, then the SPA fallback (index.html for a client route such as /market/ds-1), never for
// the API, the probes or metrics: those paths pass straight on to their handlers (or their 404).
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

/** Paths the console never answers, even when no handler does. */
const RESERVED = /^\/(api|health|ready|metrics)(\/|$)/;

/**
 * The console's Content-Security-Policy: nothing inline (no script, no style attribute in markup),
 * nothing from another origin but the storage sites a user uploads to; WebAssembly for the browser's
 * SHA-256 (hash-wasm). Stricter than the edge's default, which the Swagger UI page needs.
 */
export function consoleCsp(connectOrigins: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${connectOrigins.map((o) => ` ${o}`).join('')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** Middleware serving the built console at `/`; undefined when `dir` holds no built console. */
export function consoleMiddleware(dir: string, connectOrigins: readonly string[]): RequestHandler | undefined {
  const index = path.join(dir, 'index.html');
  if (!existsSync(index)) return undefined;
  const csp = consoleCsp(connectOrigins);
  const files = express.static(dir, {
    index: false,
    fallthrough: true,
    setHeaders: (res, file) => {
      res.setHeader('Content-Security-Policy', csp);
      // Vite names every asset by its content hash: it never changes under its name.
      res.setHeader('Cache-Control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  return (req: Request, res: Response, next: NextFunction) => {
    if (RESERVED.test(req.path) || (req.method !== 'GET' && req.method !== 'HEAD')) {
      next();
      return;
    }
    files(req, res, () => {
      // A client route: only for a page load (a browser asks for HTML), so a mistyped asset stays a 404.
      if (!req.accepts('html') || path.extname(req.path) !== '') {
        next();
        return;
      }
      res.setHeader('Content-Security-Policy', csp);
      res.setHeader('Cache-Control', 'no-cache');
      res.sendFile(index);
    });
  };
}
