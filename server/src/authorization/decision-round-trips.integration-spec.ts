import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { newNonce, ReasonCode } from '@arcgate/protocol';
import { Client } from 'pg';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { FakeClock } from '../common/clock/clock';
import { PermitsService } from '../permits/permits.service';
import { cst, DemoIds, demoIds, STEEL_SITE } from '../permits/testing/permit-fixtures';
import { AuthorizationService } from './authorization.service';
import { Decision } from './decision';
import { activeCode, approvedPermit, at9, bindNewChip } from './testing/arm-test-kit';

/**
 * The hot path's cost in database round trips (BENCHMARKS.md: ~18 per granted decision before the
 * context was loaded in two statements). Counted at the pg client, so TypeORM calls count too.
 */
describe('authorization: database round trips per decision', () => {
  const clock = new FakeClock(new Date(cst(5, '08:00')));
  let t: TestApp;
  let ids: DemoIds;
  let permit: string;
  let chip: string;
  let zhangCode: string;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    ids = await demoIds(t.ds);
    permit = await approvedPermit(t, clock, ids);
    chip = (await bindNewChip(t, ids.steelMachine1)).chip;
    zhangCode = await activeCode(t, ids.zhang);
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await t?.close();
  });
  beforeEach(() => clock.set(at9()));

  /**
   * Runs `fn` and returns the SQL it sent to PostgreSQL. Only statements issued from `fn`'s own async
   * context count: the app's periodic workers (notification poll every 200 ms, revocation sweep) query
   * meanwhile and once made this count flaky.
   */
  async function sqlDuring<T>(fn: () => Promise<T>): Promise<{ result: T; sql: string[] }> {
    const sql: string[] = [];
    const context = new AsyncLocalStorage<string[]>();
    const original = Client.prototype.query;
    const spy = jest.spyOn(Client.prototype, 'query').mockImplementation(function (this: Client, ...args: unknown[]) {
      const q = args[0] as string | { text?: string };
      context.getStore()?.push(typeof q === 'string' ? q : (q?.text ?? '?'));
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    });
    try {
      return { result: await context.run(sql, fn), sql };
    } finally {
      spy.mockRestore();
    }
  }

  const decide = (over: { permitId?: string | null; code?: string } = {}): Promise<Decision> => {
    const at = clock.now();
    return t.app.get(AuthorizationService).decide({
      chipId: chip,
      machineId: ids.steelMachine1,
      credential: { kind: 'welder_code', code: over.code ?? zhangCode },
      permitId: over.permitId === undefined ? permit : over.permitId,
      position: { lat: STEEL_SITE.lat, lng: STEEL_SITE.lng, accuracyM: 5, fixAt: at.toISOString() },
      nonce: newNonce(),
      requestId: randomUUID(),
      at,
      source: 'device',
      requestTs: at,
    });
  };

  it('a granted decision reads its context in two statements and stores decision and grant (delivered) in a third', async () => {
    const { result, sql } = await sqlDuring(() => decide());
    expect(result).toMatchObject({ allowed: true, reason: ReasonCode.OK, permitId: permit });
    expect(sql).toHaveLength(3);
    const [grant] = await t.ds.query('SELECT delivered_at, issued_at FROM grants WHERE grant_id = $1', [
      result.grant!.grantId,
    ]);
    expect(new Date(grant.delivered_at).getTime()).toBe(new Date(grant.issued_at).getTime());
  });

  it('finding the permit naming welder and machine costs no extra round trip', async () => {
    const { result, sql } = await sqlDuring(() => decide({ permitId: null }));
    expect(result).toMatchObject({ allowed: true, permitId: permit });
    expect(sql).toHaveLength(3);
  });

  it('a denial later in the order (welder not named) is no dearer than a grant', async () => {
    const liuCode = await activeCode(t, ids.liu);
    const { result, sql } = await sqlDuring(() => decide({ code: liuCode }));
    expect(result).toMatchObject({ allowed: false, reason: ReasonCode.WELDER_NOT_NAMED });
    expect(sql).toHaveLength(3);
  });

  it("special-level work: the device's recent gas reading comes with the same statement", async () => {
    await t.ds.query(`UPDATE permits SET effective_level = 'special' WHERE id = $1`, [permit]);
    try {
      const without = await sqlDuring(() => decide());
      expect(without.result).toMatchObject({ allowed: false, reason: ReasonCode.CONTINUOUS_GAS_MONITORING_REQUIRED });
      expect(without.sql).toHaveLength(3);

      const reading = async (seq: number, minutesAgo: number, percentLel: number) => {
        const occurred = new Date(clock.now().getTime() - minutesAgo * 60_000);
        await t.ds.query(
          `INSERT INTO device_events (chip_id, seq, type, occurred_at, received_at, machine_id, payload) VALUES ($1, $2, 'gas.reading', $3, $3, $4, $5)`,
          [chip, seq, occurred, ids.steelMachine1, JSON.stringify({ percentLel, limitPercentLel: 10 })],
        );
      };
      await reading(1, 60, 1); // too old to count
      expect(await decide()).toMatchObject({ allowed: false, reason: ReasonCode.CONTINUOUS_GAS_MONITORING_REQUIRED });
      await reading(2, 0.5, 12); // fresh but above the limit
      expect(await decide()).toMatchObject({ allowed: false, reason: ReasonCode.CONTINUOUS_GAS_MONITORING_REQUIRED });
      clock.set(new Date(clock.now().getTime() + 1000));
      await reading(3, 0, 2);
      const withReading = await sqlDuring(() => decide());
      expect(withReading.result).toMatchObject({ allowed: true, reason: ReasonCode.OK });
      expect(withReading.sql).toHaveLength(3);
    } finally {
      await t.ds.query(`UPDATE permits SET effective_level = 'level2' WHERE id = $1`, [permit]);
    }
  });

  it('PermitsService.evaluate reads everything in one statement', async () => {
    const { result, sql } = await sqlDuring(() =>
      t.app.get(PermitsService).evaluate({
        permitId: permit,
        welderId: ids.zhang,
        machineId: ids.steelMachine1,
        at: clock.now(),
        position: { lat: STEEL_SITE.lat, lng: STEEL_SITE.lng, accuracyM: 5 },
      }),
    );
    expect(result).toMatchObject({ allowed: true, reason: 'OK' });
    expect(sql).toHaveLength(1);
  });
});
