import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { createTestApp, TestApp } from '../../test-support/test-app';

jest.setTimeout(60_000);

const APP_JS = `console.log(${JSON.stringify('ui '.repeat(400))})`;
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
    writeFileSync(join(dist, 'assets', 'app-abc123.js'), APP_JS);
    writeFileSync(join(dist, 'assets', 'app-abc123.js.br'), brotliCompressSync(APP_JS));
    writeFileSync(join(dist, 'assets', 'app-abc123.js.gz'), gzipSync(APP_JS));
    writeFileSync(join(dist, 'assets', 'only-gzip-1.css.gz'), gzipSync('body{}'));
    writeFileSync(join(dist, 'assets', 'only-gzip-1.css'), 'body{}');
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

  /** The body as bytes (supertest still undoes Content-Encoding). */
  const raw = (path: string, acceptEncoding: string) =>
    t.http
      .get(path)
      .set('Accept-Encoding', acceptEncoding)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });

  it('serves the precompressed twin the client accepts, with its type, encoding, Vary and cache headers', async () => {
    const br = await raw('/assets/app-abc123.js', 'gzip, deflate, br');
    expect(br.status).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers['vary']).toMatch(/Accept-Encoding/i);
    expect(br.headers['cache-control']).toContain('immutable');
    // supertest decodes br and gzip itself; the length header is the compressed twin's.
    expect((br.body as Buffer).toString()).toBe(APP_JS);
    expect(Number(br.headers['content-length'])).toBeLessThan(APP_JS.length / 4);

    const gz = await raw('/assets/app-abc123.js', 'gzip;q=1, br;q=0');
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['content-type']).toMatch(/javascript/);

    const head = await t.http.head('/assets/app-abc123.js').set('Accept-Encoding', 'br');
    expect(head.status).toBe(200);
    expect(head.headers['content-encoding']).toBe('br');
  });

  it('falls back to the identity file when the client accepts no encoding the build wrote', async () => {
    for (const acceptEncoding of ['identity', 'deflate', 'br;q=0, gzip;q=0, *;q=0']) {
      const res = await raw('/assets/app-abc123.js', acceptEncoding);
      expect({ acceptEncoding, encoding: res.headers['content-encoding'] }).toEqual({
        acceptEncoding,
        encoding: undefined,
      });
      expect((res.body as Buffer).toString()).toBe(APP_JS);
      expect(res.headers['vary']).toMatch(/Accept-Encoding/i);
      expect(res.headers['cache-control']).toContain('immutable');
    }
    const onlyGzip = await raw('/assets/only-gzip-1.css', 'br');
    expect(onlyGzip.headers['content-encoding']).toBeUndefined();
    expect((onlyGzip.body as Buffer).toString()).toBe('body{}');
    expect((await raw('/assets/only-gzip-1.css', 'br, gzip')).headers['content-encoding']).toBe('gzip');
    // A file without twins is served as it is, with no Vary.
    const svg = await raw('/favicon.svg', 'br, gzip');
    expect(svg.headers['content-encoding']).toBeUndefined();
    expect(svg.headers['vary']).toBeUndefined();
    // Twins never open a way out of the dist folder.
    const traversal = await raw('/assets/..%2f..%2fpackage.json', 'br');
    expect(traversal.headers['content-encoding']).toBeUndefined();
    expect((traversal.body as Buffer).toString()).not.toContain('@arcgate');
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
