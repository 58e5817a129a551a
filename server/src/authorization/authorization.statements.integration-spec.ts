import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { LOAD_CONTEXT } from './authorization.statements';

/** The nonce claim's asynchronous commit must stay inside its own statement's transaction. */
describe('LOAD_CONTEXT commit mode', () => {
  let t: TestApp;
  let c: Client;

  beforeAll(async () => {
    t = await createTestApp({ seed: false });
    c = new Client({ connectionString: t.config.databaseUrl });
    await c.connect();
  });
  afterAll(async () => {
    await c?.end();
    await t?.close();
  });

  const load = (chip: string, nonce: string) =>
    c.query({
      name: LOAD_CONTEXT.name,
      text: LOAD_CONTEXT.text,
      values: [chip, null, null, null, null, nonce, 'req-1', randomUUID(), new Date()],
    });

  it('claims the nonce once, and leaves the connection committing synchronously afterwards', async () => {
    const chip = `stmt-${randomUUID().slice(0, 8)}`;
    expect((await load(chip, 'n-1')).rows[0].claimed).toBe(1);
    expect((await c.query('SHOW synchronous_commit')).rows[0].synchronous_commit).toBe('on');
    expect((await load(chip, 'n-1')).rows[0]).toEqual(
      expect.objectContaining({ claimed: 0, prior_nonce: expect.objectContaining({ requestId: 'req-1' }) }),
    );
    expect((await c.query('SELECT count(*)::int AS n FROM arm_nonces WHERE chip_id = $1', [chip])).rows[0].n).toBe(1);
  });

  it('commits the claim itself asynchronously (set for that transaction only)', async () => {
    await c.query('BEGIN');
    try {
      await load(`stmt-${randomUUID().slice(0, 8)}`, 'n-2');
      expect((await c.query('SHOW synchronous_commit')).rows[0].synchronous_commit).toBe('off');
    } finally {
      await c.query('ROLLBACK');
    }
    expect((await c.query('SHOW synchronous_commit')).rows[0].synchronous_commit).toBe('on');
  });
});
