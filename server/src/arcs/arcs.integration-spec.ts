import { createTestApp, TestApp } from '../../test-support/test-app';
import { encodeCursor } from '../common/http/keyset-cursor';
import { demoIds, DemoIds } from '../permits/testing/permit-fixtures';

describe('arcs timeline API', () => {
  let t: TestApp;
  let ids: DemoIds;
  beforeAll(async () => {
    t = await createTestApp();
    ids = await demoIds(t.ds);
    const insert = (
      chip: string,
      seq: number,
      machineId: string,
      welderId: string | null,
      startedAt: string,
      authorized: boolean | null,
    ) =>
      t.ds.query(
        `INSERT INTO arcs (chip_id, stop_seq, machine_id, welder_id, started_at, ended_at, duration_ms, current_stats, voltage_stats, samples, sample_rate_hz, authorized, flags)
         VALUES ($1, $2, $3, $4, $5, $5::timestamptz + interval '90 seconds', 90000, '{"mean":121}', '{"mean":24.8}', 900, 10, $6, $7)`,
        [chip, seq, machineId, welderId, startedAt, authorized, authorized === false ? ['no_grant'] : []],
      );
    await insert('CSTEEL00000000000001', 1, ids.steelMachine1, ids.zhang, '2026-01-05T01:00:00Z', true);
    await insert('CSTEEL00000000000001', 2, ids.steelMachine1, null, '2026-01-05T02:00:00Z', false);
    await insert('CMACH000000000000001', 1, ids.machineryMachine, ids.chen, '2026-01-05T03:00:00Z', true);
  });
  afterAll(async () => {
    await t.close();
  });

  const list = async (user: string, query = '') => t.http.get(`/api/arcs${query}`).set(await t.auth(user));

  it("lists a machine's arcs newest first with their statistics", async () => {
    const res = await list('hengda.admin', `?machineId=${ids.steelMachine1}`);
    expect(res.status).toBe(200);
    expect(res.body.total).toBe(2);
    expect(res.body.items[0]).toMatchObject({
      machineName: '1号车间氩弧焊机',
      authorized: false,
      flags: ['no_grant'],
      durationMs: 90000,
      current: { mean: 121 },
    });
    expect(res.body.items[1]).toMatchObject({ authorized: true, welderId: ids.zhang, welderName: '张伟' });
    expect(res.body.items[0]).toMatchObject({ welderName: null });
  });

  it('keeps each actor to its scope', async () => {
    const machines = async (user: string) =>
      new Set((await list(user, '?pageSize=200')).body.items.map((a: { machineId: string }) => a.machineId));
    expect(await machines('xiayi.regulator')).toEqual(new Set([ids.steelMachine1, ids.machineryMachine]));
    expect(await machines('huiting.regulator')).toEqual(new Set([ids.steelMachine1]));
    expect(await machines('hengda.admin')).toEqual(new Set([ids.steelMachine1]));
    expect((await list('hengda.admin', `?machineId=${ids.machineryMachine}`)).body.total).toBe(0);
    const own = await list('welder.zhang');
    expect(own.body.items.map((a: { welderId: string }) => a.welderId)).toEqual([ids.zhang]);
  });

  it('answers bad filters with field codes', async () => {
    const res = await list('admin', '?machineId=nope&from=yesterday&extra=1');
    expect(res.status).toBe(400);
    expect(res.body.error.fields.map((f: { field: string; code: string }) => `${f.field}:${f.code}`).sort()).toEqual([
      'extra:unknownField',
      'from:isInstant',
      'machineId:isUuid',
    ]);
  });

  describe('cursor paging', () => {
    // 18 arcs of 恒达 (steel) and 12 of 宏远 (machinery), all starting in the same microsecond and
    // spread over several chips: only the arc's key (chip, seq) orders them within that instant. Each
    // has its own duration, to tell them apart in the answers (which do not carry the seq).
    const SAME = '2026-02-01T08:00:00.123456Z';
    beforeAll(async () => {
      await t.ds.query(
        `INSERT INTO arcs (chip_id, stop_seq, machine_id, started_at, ended_at, duration_ms, current_stats, voltage_stats, samples, sample_rate_hz)
         SELECT 'CPAGE' || lpad((i % 3)::text, 15, '0') || CASE WHEN i < 18 THEN 'S' ELSE 'M' END, 100 + i,
                CASE WHEN i < 18 THEN $1::uuid ELSE $2::uuid END, $3::timestamptz, $3::timestamptz + interval '1 minute',
                60000 + i, '{"mean":100}', '{"mean":24}', 600, 10
         FROM generate_series(0, 29) i`,
        [ids.steelMachine1, ids.machineryMachine, SAME],
      );
    });

    const inWindow = `from=2026-02-01T00:00:00Z&to=2026-02-02T00:00:00Z`;
    type Page = { items: { chipId: string; machineId: string; durationMs: number }[]; nextCursor: string | null };
    /** Every page of the window, following nextCursor, `size` arcs at a time. */
    const allPages = async (user: string, size: number): Promise<Page[]> => {
      const pages: Page[] = [];
      let cursor: string | null = null;
      do {
        const res = await list(user, `?${inWindow}&pageSize=${size}${cursor ? `&cursor=${cursor}` : ''}`);
        expect(res.status).toBe(200);
        pages.push(res.body);
        cursor = res.body.nextCursor;
        expect(pages.length).toBeLessThan(40);
      } while (cursor);
      return pages;
    };
    const keys = (pages: Page[]) => pages.flatMap((p) => p.items.map((a) => `${a.chipId}/${a.durationMs}`));

    it('walks the whole list once, without gaps or repeats, within the scope on every page', async () => {
      const cases: [string, number, string[]][] = [
        ['hengda.admin', 18, [ids.steelMachine1]],
        ['huiting.regulator', 18, [ids.steelMachine1]],
        ['xiayi.regulator', 30, [ids.steelMachine1, ids.machineryMachine]],
        ['admin', 30, [ids.steelMachine1, ids.machineryMachine]],
      ];
      for (const [user, n, machines] of cases) {
        const pages = await allPages(user, 7);
        expect(pages.map((p) => p.items.length)).toEqual([
          ...Array<number>(Math.floor(n / 7)).fill(7),
          ...(n % 7 ? [n % 7] : []),
        ]);
        for (const p of pages) for (const a of p.items) expect(machines).toContain(a.machineId);
        const seen = keys(pages);
        expect(new Set(seen).size).toBe(n);
        // The same rows, in the same order, as one big page.
        const whole = await list(user, `?${inWindow}&pageSize=200`);
        expect(seen).toEqual(keys([whole.body]));
        expect(whole.body.nextCursor).toBeNull();
      }
    });

    it('keeps the first page and the total the same with or without a cursor', async () => {
      const first = await list('hengda.admin', `?${inWindow}&pageSize=5`);
      expect(first.body).toMatchObject({ total: 18, page: 1, pageSize: 5 });
      expect(typeof first.body.nextCursor).toBe('string');
      const second = await list('hengda.admin', `?${inWindow}&pageSize=5&cursor=${first.body.nextCursor}`);
      expect(second.body.total).toBe(18);
      // page=2 by offset still answers the same rows (kept for callers that page by number).
      const byOffset = await list('hengda.admin', `?${inWindow}&pageSize=5&page=2`);
      expect(keys([byOffset.body])).toEqual(keys([second.body]));
    });

    it('never leaves the scope, whatever the cursor says', async () => {
      // A forged cursor above every arc (and one naming another enterprise's chip): still only 恒达's arcs.
      for (const chipId of ['\uffff', 'CPAGE000000000000000M']) {
        const cursor = encodeCursor({ startedAt: '2099-01-01T00:00:00.000000Z', chipId, stopSeq: '1' });
        const res = await list('hengda.admin', `?pageSize=200&cursor=${cursor}`);
        expect(res.status).toBe(200);
        expect(new Set(res.body.items.map((a: { machineId: string }) => a.machineId))).toEqual(
          new Set([ids.steelMachine1]),
        );
      }
    });

    it('answers a cursor it did not give out with a field code, never a 500', async () => {
      const good = { startedAt: SAME, chipId: 'CPAGE000000000000000S', stopSeq: '100' };
      const bad = [
        'nope!',
        '',
        Buffer.from('not json').toString('base64url'),
        Buffer.from('[1,2,3]').toString('base64url'),
        Buffer.from('null').toString('base64url'),
        encodeCursor({ ...good, startedAt: '2026-02-30T08:00:00.000000Z' }),
        encodeCursor({ ...good, startedAt: '2026-02-01T08:00:00Z' }),
        encodeCursor({ ...good, stopSeq: '9223372036854775808' }),
        encodeCursor({ ...good, stopSeq: '-1' }),
        encodeCursor({ ...good, chipId: 'A\u0000B' }),
        encodeCursor({ ...good, chipId: '\ud800' }),
        encodeCursor({ ...good, chipId: 'x'.repeat(65) }),
        encodeCursor({ ...good, extra: 'x' } as typeof good),
        encodeCursor({ startedAt: SAME, chipId: 'C' } as typeof good),
        'A'.repeat(401),
      ];
      for (const cursor of bad) {
        const res = await list('hengda.admin', `?cursor=${encodeURIComponent(cursor)}`);
        expect([cursor, res.status]).toEqual([cursor, 400]);
        expect(res.body.error.fields).toEqual([expect.objectContaining({ field: 'cursor', code: 'isCursor' })]);
      }
      expect((await list('hengda.admin', `?cursor=${encodeCursor(good)}`)).status).toBe(200);
    });
  });

  it('stores where the machine was when it welded: the arc keeps its enterprise when the machine moves', async () => {
    const scope = async (seq: number) =>
      (
        await t.ds.query(
          `SELECT enterprise_id, region_path FROM arcs WHERE chip_id = 'CMOVE0000000000000001' AND stop_seq = $1`,
          [seq],
        )
      )[0];
    const [steel] = await t.ds.query(`SELECT id, region_path FROM enterprises WHERE id = $1`, [ids.steel]);
    const [machinery] = await t.ds.query(`SELECT id, region_path FROM enterprises WHERE id = $1`, [ids.machinery]);
    const insert = (seq: number) =>
      t.ds.query(
        `INSERT INTO arcs (chip_id, stop_seq, machine_id, started_at, ended_at, duration_ms, current_stats, voltage_stats, samples, sample_rate_hz)
         VALUES ('CMOVE0000000000000001', $1, $2, '2026-03-01T00:00:00Z', '2026-03-01T00:01:00Z', 60000, '{}', '{}', 600, 10)`,
        [seq, ids.steelMachine1],
      );
    await insert(1);
    expect(await scope(1)).toEqual({ enterprise_id: steel.id, region_path: steel.region_path });
    await t.ds.query(`UPDATE machines SET enterprise_id = $2 WHERE id = $1`, [ids.steelMachine1, ids.machinery]);
    try {
      await insert(2);
      expect(await scope(2)).toEqual({ enterprise_id: machinery.id, region_path: machinery.region_path });
      expect(await scope(1)).toEqual({ enterprise_id: steel.id, region_path: steel.region_path });
    } finally {
      await t.ds.query(`UPDATE machines SET enterprise_id = $2 WHERE id = $1`, [ids.steelMachine1, ids.steel]);
    }
    // A writer that knows the scope keeps what it wrote.
    await t.ds.query(
      `INSERT INTO arcs (chip_id, stop_seq, machine_id, enterprise_id, region_path, started_at, ended_at, duration_ms, current_stats, voltage_stats, samples, sample_rate_hz)
       VALUES ('CMOVE0000000000000001', 3, $1, $2, '/given/', '2026-03-01T00:00:00Z', '2026-03-01T00:01:00Z', 60000, '{}', '{}', 600, 10)`,
      [ids.steelMachine1, ids.machinery],
    );
    expect(await scope(3)).toEqual({ enterprise_id: machinery.id, region_path: '/given/' });
  });
});
