import { Client } from 'pg';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { StartupWork } from '../common/scheduling/startup-work';

describe('health and API docs', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Seeded: the demo's due certificates give the second app's certificate scan alerts to look up.
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('reports database and broker up', async () => {
    // The MQTT connection is asynchronous; give it a moment.
    for (let i = 0; i < 50; i++) {
      const res = await t.http.get('/api/health');
      if (res.status === 200) {
        expect(res.body).toMatchObject({ status: 'ok', database: { status: 'up' }, broker: { status: 'up' } });
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('health never became ok');
  });

  it('serves the OpenAPI document with every route described', async () => {
    const res = await t.http.get('/api/docs-json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    for (const [path, ops] of Object.entries(res.body.paths as Record<string, Record<string, { summary?: string }>>)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(`${method.toUpperCase()} ${path}: ${op.summary ?? 'NO SUMMARY'}`).not.toMatch(/NO SUMMARY$/);
      }
    }
  });

  it('answers while the start-up scans still run, and says which', async () => {
    // The alerts table, held by another session: the certificate scan looks up each due certificate's alert
    // there and cannot finish until it is let go. The second app starts on the first one's (seeded) database.
    const { databaseUrl } = t.config;
    const holder = new Client({ connectionString: databaseUrl });
    await holder.connect();
    let slow: TestApp | null = null;
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE alerts IN ACCESS EXCLUSIVE MODE');
      slow = await createTestApp({ seed: false, settle: false, config: { databaseUrl } });
      let body: { status?: string; startup?: { pending: string[] } } = {};
      for (let i = 0; i < 50 && body.status !== 'ok'; i++) {
        const res = await slow.http.get('/api/health');
        body = res.body;
        if (body.status !== 'ok') await new Promise((r) => setTimeout(r, 100));
      }
      expect(body.status).toBe('ok');
      expect(body.startup?.pending).toContain('certificate scan');

      await holder.query('COMMIT');
      await slow.app.get(StartupWork).settled();
      const after = await slow.http.get('/api/health');
      expect(after.body.startup).toEqual({ pending: [] });
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
      await slow?.close();
    }
  });
});
