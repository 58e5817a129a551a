import { stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';

/** Encodings the web build writes next to each file (web-admin/vite.precompress.mts), best first. */
export type Encoding = 'br' | 'gzip';
const SUFFIX: Record<Encoding, string> = { br: '.br', gzip: '.gz' };
const SERVER_PREFERENCE: Encoding[] = ['br', 'gzip'];
/** Only text is precompressed; images and fonts are already compressed. */
const COMPRESSIBLE = /\.(js|mjs|css|svg|json|txt)$/i;

/**
 * The encodings a client accepts, in the order to try them: by its q-values, then br before gzip.
 * `*` covers encodings it does not name; `q=0` refuses. No header means identity only (RFC 9110 allows
 * anything, but a client that sends none is usually a script that cannot decode).
 */
export function acceptedEncodings(header: string | undefined): Encoding[] {
  if (!header) return [];
  const q = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = qParam ? Number(qParam.slice(2)) : 1;
    q.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  const weight = (e: Encoding) => q.get(e) ?? q.get('*') ?? 0;
  return SERVER_PREFERENCE.filter((e) => weight(e) > 0).sort((a, b) => weight(b) - weight(a));
}

/** Vite puts content hashes in /assets names: cache those for good, revalidate everything else. */
export function cacheControlFor(filePath: string): string {
  return /[\\/]assets[\\/]/.test(filePath) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The file under distDir that a URL path names, or null when it would leave distDir. */
function fileInDist(distDir: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = resolve(distDir, `.${decoded}`);
  return file.startsWith(distDir + sep) ? file : null;
}

/**
 * Serves the build's .br/.gz twin of a text file when the client accepts it, with the original's
 * Content-Type, Content-Encoding and Vary: Accept-Encoding. Anything else (no twin, client accepts
 * neither, not a text file) falls through to the identity file server, with Vary set when a twin exists
 * so a shared cache never hands a compressed body to a client that cannot read it.
 */
export function precompressedFiles(distDir: string, skip: (path: string) => boolean): RequestHandler {
  const root = resolve(distDir);
  return (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || skip(req.path) || !COMPRESSIBLE.test(req.path)) {
      return next();
    }
    const file = fileInDist(root, req.path);
    if (!file) return next();
    void (async () => {
      const twins = await Promise.all(SERVER_PREFERENCE.map(async (e) => [e, await isFile(file + SUFFIX[e])] as const));
      const available = new Set(twins.filter(([, exists]) => exists).map(([e]) => e));
      if (!available.size) return next();
      res.vary('Accept-Encoding');
      const encoding = acceptedEncodings(req.headers['accept-encoding']).find((e) => available.has(e));
      if (!encoding) return next();
      res.setHeader('Content-Encoding', encoding);
      res.setHeader('Cache-Control', cacheControlFor(file));
      res.type(extname(file));
      // root: send refuses dot-segments and traversal itself; the path here is already inside root.
      res.sendFile(file.slice(root.length + 1) + SUFFIX[encoding], { root, cacheControl: false }, (err) => {
        if (!err || res.headersSent) return;
        res.removeHeader('Content-Encoding');
        res.removeHeader('Content-Type');
        next();
      });
    })().catch(next);
  };
}
