import { randomUUID } from 'node:crypto';
import { QueryFailedError } from 'typeorm';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { PreparedStatement, queryPrepared } from './prepared-statement';

describe('queryPrepared', () => {
  let t: TestApp;
  const echo = new PreparedStatement(`SELECT $1::int + 1 AS n`);
  const insertNonce = new PreparedStatement(
    `INSERT INTO arm_nonces (chip_id, nonce, request_id, decision_id, seen_at) VALUES ($1, $2, 'r', $3, now()) RETURNING chip_id`,
  );
  const countNonces = new PreparedStatement(`SELECT count(*)::int AS n FROM arm_nonces WHERE chip_id = $1`);

  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('returns the rows, on a pooled connection', async () => {
    expect(await queryPrepared<{ n: number }>(t.ds, echo, [41])).toEqual([{ n: 42 }]);
  });

  it('is parsed once per connection and then executed by name', async () => {
    await t.ds.transaction(async (em) => {
      for (let i = 0; i < 8; i++) await queryPrepared(em, echo, [i]);
      const rows = await em.query<{ name: string }[]>(`SELECT name FROM pg_prepared_statements WHERE name = $1`, [
        echo.name,
      ]);
      expect(rows).toHaveLength(1);
    });
  });

  it('runs inside the caller transaction: a rollback undoes its writes', async () => {
    const chip = `ps-${randomUUID().slice(0, 8)}`;
    await expect(
      t.ds.transaction(async (em) => {
        expect(await queryPrepared(em, insertNonce, [chip, 'n1', randomUUID()])).toEqual([{ chip_id: chip }]);
        expect(await queryPrepared(em, countNonces, [chip])).toEqual([{ n: 1 }]);
        throw new Error('abort');
      }),
    ).rejects.toThrow('abort');
    expect(await queryPrepared(t.ds, countNonces, [chip])).toEqual([{ n: 0 }]);
  });

  it('fails like TypeORM does: a QueryFailedError carrying the PostgreSQL code', async () => {
    const chip = `ps-${randomUUID().slice(0, 8)}`;
    await queryPrepared(t.ds, insertNonce, [chip, 'dup', randomUUID()]);
    const err = await queryPrepared(t.ds, insertNonce, [chip, 'dup', randomUUID()]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryFailedError);
    expect((err as QueryFailedError & { driverError: { code: string } }).driverError.code).toBe('23505');
  });

  it('keeps the pooled connection after an SQL error (pool.query would discard it, and its prepared statements)', async () => {
    const typeormBackends = async () =>
      (
        await t.ds.query<{ pid: number }[]>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()
      AND backend_type = 'client backend' AND application_name NOT LIKE 'arcgate-%' ORDER BY pid`)
      ).map((r) => r.pid);
    const chip = `ps-${randomUUID().slice(0, 8)}`;
    await queryPrepared(t.ds, insertNonce, [chip, 'dup', randomUUID()]);
    const before = await typeormBackends();
    for (let i = 0; i < 3; i++)
      await expect(queryPrepared(t.ds, insertNonce, [chip, 'dup', randomUUID()])).rejects.toBeInstanceOf(
        QueryFailedError,
      );
    expect(await queryPrepared(t.ds, countNonces, [chip])).toEqual([{ n: 1 }]);
    expect(await typeormBackends()).toEqual(before);
  });

  it('names statements by their text', () => {
    expect(new PreparedStatement('SELECT 1').name).toBe(new PreparedStatement('SELECT 1').name);
    expect(new PreparedStatement('SELECT 1').name).not.toBe(new PreparedStatement('SELECT 2').name);
  });
});
