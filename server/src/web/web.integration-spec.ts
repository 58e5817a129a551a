import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, TestApp } from '../../test-support/test-app';

jest.setTimeout(60_000);

const INDEX =
  '<!doctype html><html><body><div id="root"></div><script src="/assets/app-abc123.js"></script></body></html>';

/** The factory reads WEB_DIST_DIR while the app module compiles; restore it afterwards. */
async function appServing(dir: string): Promise<TestApp> {
  const saved = process.env.WEB_DIST_DIR;
  process.env.WEB_DIST_DIR = dir;
  try {
    return await createTestApp({ seed: false });
  } finally {
    if (saved === undefined) delete process.env.WEB_DIST_DIR;
    else process.env.WEB_DIST_DIR = saved;
  }
}

describe('web UI served at /', () => {
  let t: TestApp;
  let dist: string;
  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), 'arcgate-web-'));
    mkdirSync(join(dist, 'assets'));
    writeFileSync(join(dist, 'index.html'), INDEX);
    writeFileSync(join(dist, 'assets', 'app-abc123.js'), 'console.log("ui")');
    writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    t = await appServing(dist);
  });
  afterAll(async () => {
    await t.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it('answers / and every client-side route with index.html, never cached', async () => {
    for (const path of ['/', '/q/M0ZK3X7Q9T2BC8N4HJ6V5RA1', '/q/ANY', '/w/badge', '/login', '/report/status?code=X']) {
      const res = await t.http.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.text).toBe(INDEX);
    }
  });

  it('serves built files, hashed assets cached for good', async () => {
    const js = await t.http.get('/assets/app-abc123.js');
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/javascript/);
    expect(js.headers['cache-control']).toContain('immutable');
    expect((await t.http.get('/favicon.svg')).status).toBe(200);
  });

  it('answers 404 for missing files instead of the app, and never leaves the dist folder', async () => {
    expect((await t.http.get('/assets/gone-999.js')).status).toBe(404);
    expect((await t.http.get('/missing.png')).status).toBe(404);
    const traversal = await t.http.get('/..%2f..%2fpackage.json');
    expect(traversal.text).not.toContain('@arcgate');
  });

  it('leaves /api alone: JSON health, JSON 404s, auth still required', async () => {
    const health = await t.http.get('/api/health');
    expect(health.status).toBe(200);
    expect(health.headers['content-type']).toMatch(/application\/json/);
    expect(health.body.status).toBe('ok');
    const unknown = await t.http.get('/api/no-such-route');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    expect((await t.http.get('/api')).body.error.code).toBe('NOT_FOUND');
    expect((await t.http.get('/api/machines')).status).toBe(401);
    // Non-GET requests outside /api are not the UI's business.
    expect((await t.http.post('/q/ANY').send({})).status).toBe(404);
  });
});

describe('web UI not built', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await appServing(join(tmpdir(), 'arcgate-no-such-dist-dir'));
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers 503 with a page that says how to build it; the API still works', async () => {
    for (const path of ['/', '/q/ANY']) {
      const res = await t.http.get(path);
      expect(res.status).toBe(503);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain('npm run build');
    }
    expect((await t.http.get('/api/health')).status).toBe(200);
  });
});
