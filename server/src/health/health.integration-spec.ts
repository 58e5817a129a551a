import { createTestApp, TestApp } from '../../test-support/test-app';

describe('health and API docs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ seed: false });
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
});
