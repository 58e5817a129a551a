import express, { NextFunction, Request, Response } from 'express';
import { cacheControlFor, precompressedFiles } from './precompressed';
import { indexHtmlOf, webUiBuilt } from './web-dist';

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ArcGate: 前端未构建 (web UI not built)</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.6">
<h1>前端尚未构建 / The web UI has not been built</h1>
<p>服务器正在运行，但找不到 <code>web-admin/dist</code>。请在仓库根目录运行 <code>npm run build</code>，然后刷新本页。</p>
<p>The server is running but <code>web-admin/dist</code> is missing. Run <code>npm run build</code> at the repository root, then reload.</p>
<p>API: <a href="/api/docs">/api/docs</a> · <a href="/api/health">/api/health</a></p>
</body></html>`;

/** The API has its own JSON 404s; the UI never answers under /api. */
export function isApiPath(path: string, apiPrefix: string): boolean {
  return path === `/${apiPrefix}` || path.startsWith(`/${apiPrefix}/`);
}

/** A request for a file (has an extension, or under /assets/) that does not exist is a 404, not the app. */
function looksLikeFile(path: string): boolean {
  return path.startsWith('/assets/') || /\.[a-z0-9]{1,8}$/i.test(path.split('/').pop() ?? '');
}

/**
 * Express handlers for the single-page UI: the build's brotli/gzip twins when the client takes them,
 * static files as they are, then index.html for every other GET that is not API (so /q/<code>, /w/...
 * and /login survive a reload). Whether the UI is built is checked per request, so building it while
 * the server runs needs no restart.
 */
export function webUiHandlers(distDir: string, apiPrefix: string): express.RequestHandler[] {
  const compressed = precompressedFiles(distDir, (path) => isApiPath(path, apiPrefix));
  const assets = express.static(distDir, {
    index: false,
    fallthrough: true,
    setHeaders: (res, filePath) => res.setHeader('Cache-Control', cacheControlFor(filePath)),
  });
  const skipApi = (req: Request, res: Response, next: NextFunction) =>
    isApiPath(req.path, apiPrefix) ? next() : assets(req, res, next);
  const spaFallback = (req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isApiPath(req.path, apiPrefix)) return next();
    if (!webUiBuilt(distDir)) {
      res.status(503).type('html').setHeader('Cache-Control', 'no-store').send(NOT_BUILT_PAGE);
      return;
    }
    if (looksLikeFile(req.path)) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexHtmlOf(distDir), (err) => (err ? next(err) : undefined));
  };
  return [compressed, skipApi, spaFallback];
}
