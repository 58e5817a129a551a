import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { IS_PUBLIC } from '../../access/decorators';

/**
 * Every route open without a log-in is throttled per address, or says here why it must not be: a public
 * route is where a stranger's flood arrives first, and one without a limit is a free way to load the database.
 */
const UNTHROTTLED: Record<string, string> = {
  'GET /health': 'liveness probes of the orchestrator; answers from memory',
  'GET /map/settings': 'configuration the login page reads; answers from memory',
  'GET /map/boundaries': 'a static file read once and served from memory',
  'POST /broker/auth':
    'called by the broker for every device (authenticated with the hook secret); a per-address limit would lock every device out',
  'POST /broker/acl': 'as /broker/auth',
  'POST /broker/mosquitto/user': 'as /broker/auth',
  'POST /broker/mosquitto/superuser': 'as /broker/auth',
  'POST /broker/mosquitto/acl': 'as /broker/auth',
};

const VERBS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'ALL', 'OPTIONS', 'HEAD', 'SEARCH'];

function controllerFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return controllerFiles(path);
    return name.endsWith('.controller.ts') ? [path] : [];
  });
}

function publicRoutes(): { route: string; guards: string[] }[] {
  const found: { route: string; guards: string[] }[] = [];
  for (const file of controllerFiles(join(__dirname, '../..'))) {
    for (const exported of Object.values(require(file) as Record<string, unknown>)) {
      if (typeof exported !== 'function') continue;
      const base = Reflect.getMetadata(PATH_METADATA, exported) as string | undefined;
      if (base === undefined) continue;
      const classPublic = Reflect.getMetadata(IS_PUBLIC, exported) === true;
      const classGuards = (Reflect.getMetadata(GUARDS_METADATA, exported) ?? []) as { name: string }[];
      const proto = (exported as { prototype: Record<string, unknown> }).prototype;
      for (const key of Object.getOwnPropertyNames(proto)) {
        const handler = proto[key];
        if (key === 'constructor' || typeof handler !== 'function') continue;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (path === undefined) continue;
        if (!classPublic && Reflect.getMetadata(IS_PUBLIC, handler) !== true) continue;
        const verb = VERBS[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const full = `/${[base, path]
          .map((p) => p.replace(/^\/|\/$/g, ''))
          .filter(Boolean)
          .join('/')}`;
        const guards = [
          ...classGuards,
          ...((Reflect.getMetadata(GUARDS_METADATA, handler) ?? []) as { name: string }[]),
        ];
        found.push({ route: `${verb} ${full}`, guards: guards.map((g) => g.name) });
      }
    }
  }
  return found;
}

describe('public routes', () => {
  const routes = publicRoutes();

  it('finds the public routes (the scan reads the decorators)', () => {
    expect(routes.map((r) => r.route)).toEqual(expect.arrayContaining(['POST /auth/login', 'GET /health']));
  });

  it('are each throttled per address, or exempt here with a reason', () => {
    const open = routes.filter((r) => !r.guards.some((g) => /Throttler/.test(g)) && !UNTHROTTLED[r.route]);
    expect(open.map((r) => r.route)).toEqual([]);
  });

  it('exempt no route that no longer exists or is throttled anyway', () => {
    const stale = Object.keys(UNTHROTTLED).filter(
      (route) => !routes.some((r) => r.route === route && !r.guards.some((g) => /Throttler/.test(g))),
    );
    expect(stale).toEqual([]);
  });
});
