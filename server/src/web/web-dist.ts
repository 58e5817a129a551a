import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Injection token: the directory holding the built web UI (web-admin/dist). */
export const WEB_DIST_DIR = Symbol('WEB_DIST_DIR');

/**
 * server/dist/web (built) and server/src/web (jest, ts-node) sit at the same depth, so one relative
 * path finds web-admin/dist from both. WEB_DIST_DIR overrides it (deployments, tests).
 */
export function resolveWebDistDir(env: Record<string, string | undefined> = process.env): string {
  const override = env.WEB_DIST_DIR?.trim();
  return override ? resolve(override) : resolve(__dirname, '..', '..', '..', 'web-admin', 'dist');
}

export function indexHtmlOf(distDir: string): string {
  return join(distDir, 'index.html');
}

export function webUiBuilt(distDir: string): boolean {
  return existsSync(indexHtmlOf(distDir));
}
