import * as ExcelJS from 'exceljs';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { FakeClock } from '../common/clock/clock';
import { exportBackends, openDownload, until } from '../../test-support/streamed-download';
import { WELDER_EXPORT } from './definitions/welder-ledger';
import { MAX_CONCURRENT_EXPORTS } from '../exports/query-export.service';

/** Collects a (chunked) response body as a Buffer. */
function binary(res: unknown, cb: (err: Error | null, body: Buffer) => void): void {
  const stream = res as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

const EXTRA = 2_600;

describe('ledger exports, streamed (a few thousand rows)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ clock: new FakeClock(new Date('2026-03-02T02:00:00Z')) });
    // More rows than two export batches (1,000 each), in one statement; one name looks like a formula.
    await t.ds.query(
      `INSERT INTO machines (enterprise_id, name, kind, manufacturer, model, serial_number, status)
       SELECT e.id, CASE WHEN g = 7 THEN '=HYPERLINK("http://x","y")' ELSE '批量焊机' || lpad(g::text, 5, '0') END,
              CASE WHEN g % 3 = 0 THEN 'gas' ELSE 'electric_arc' END, '批量厂', 'B-1', 'BULK-' || lpad(g::text, 5, '0'),
              CASE WHEN g % 10 = 0 THEN 'suspended' ELSE 'active' END
         FROM enterprises e, generate_series(1, $1) g
        WHERE e.name = '夏邑县宏远农机制造厂'`,
      [EXTRA],
    );
  });
  afterAll(async () => {
    await t.close();
  });

  /** Every row of the list, page by page, in the list's order. */
  async function listAll(user: string, query: string): Promise<{ serialNumber: string; status: string }[]> {
    const out: { serialNumber: string; status: string }[] = [];
    for (let page = 1; ; page++) {
      const res = await t.http.get(`/api/machines?${query}&pageSize=200&page=${page}`).set(await t.auth(user));
      expect(res.status).toBe(200);
      out.push(...res.body.items);
      if (out.length >= res.body.total || !res.body.items.length) return out;
    }
  }

  async function exportRows(user: string, query: string, ledger = 'machines') {
    const res = await t.http
      .get(`/api/ledgers/${ledger}/export.xlsx?${query}`)
      .set(await t.auth(user))
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body);
    const ws = wb.worksheets[0];
    const headers = (ws.getRow(1).values as unknown[]).slice(1).map(String);
    const rows: Record<string, unknown>[] = [];
    ws.eachRow((row, n) => {
      if (n > 1) rows.push(Object.fromEntries(headers.map((h, i) => [h, row.getCell(i + 1).value])));
    });
    return { res, ws, rows };
  }

  it('streams every row of the scoped, filtered list in its order, with the same cells', async () => {
    const listed = await listAll('xiayi.regulator', 'kind=electric_arc');
    const { res, ws, rows } = await exportRows('xiayi.regulator', 'kind=electric_arc');
    expect(listed.length).toBeGreaterThan(1_700);
    // Chunked: the length is not known when the first bytes go out.
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['content-length']).toBeUndefined();
    expect(rows.map((r) => r['出厂编号'])).toEqual(listed.map((m) => m.serialNumber));
    expect(rows.every((r) => r['设备类型'] === '电弧焊机')).toBe(true);
    expect(rows.filter((r) => r['状态'] === '停用').length).toBe(listed.filter((m) => m.status === 'suspended').length);
    expect(String(ws.getRow(1).getCell(1).value)).toBe('所属单位');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  });

  it('keeps text that looks like a formula inert', async () => {
    const { rows } = await exportRows('xiayi.regulator', 'q=HYPERLINK');
    expect(rows).toHaveLength(1);
    expect(typeof rows[0]['设备名称']).toBe('string');
    expect(String(rows[0]['设备名称'])).not.toMatch(/^=/);
  });

  it('still scopes: the 会亭镇 regulator gets none of the 马头镇 bulk', async () => {
    const { rows } = await exportRows('huiting.regulator', '');
    const listed = await listAll('huiting.regulator', '');
    expect(rows.map((r) => r['出厂编号'])).toEqual(listed.map((m) => m.serialNumber));
    expect(rows.some((r) => String(r['出厂编号']).startsWith('BULK-'))).toBe(false);
  });

  /** Every item of a list endpoint, page by page. */
  async function listItems<T>(user: string, path: string): Promise<T[]> {
    const out: T[] = [];
    for (let page = 1; ; page++) {
      const res = await t.http.get(`${path}?pageSize=200&page=${page}`).set(await t.auth(user));
      expect(res.status).toBe(200);
      out.push(...(res.body.items as T[]));
      if (out.length >= res.body.total || !res.body.items.length) return out;
    }
  }

  it("an enterprise user's exports hold its own rows only, exactly its lists", async () => {
    const steel = '夏邑县恒达钢结构有限公司';
    const machines = await exportRows('hengda.admin', '');
    const listedMachines = await listItems<{ serialNumber: string }>('hengda.admin', '/api/machines');
    expect(machines.rows.map((r) => r['出厂编号'])).toEqual(listedMachines.map((m) => m.serialNumber));
    expect(machines.rows.length).toBeGreaterThan(0);
    expect(new Set(machines.rows.map((r) => r['所属单位']))).toEqual(new Set([steel]));

    const welders = await exportRows('hengda.admin', '', 'welders');
    const listedWelders = await listItems<{ idNumberMasked: string }>('hengda.admin', '/api/welders');
    expect(welders.rows.map((r) => r['身份证号'])).toEqual(listedWelders.map((w) => w.idNumberMasked));
    const [{ n }] = await t.ds.query(
      `SELECT count(*)::int AS n FROM welders w JOIN enterprises e ON e.id = w.employer_id WHERE e.name = $1`,
      [steel],
    );
    expect(welders.rows.length).toBeGreaterThanOrEqual(n);

    const enterprises = await exportRows('hengda.admin', '', 'enterprises');
    expect(enterprises.rows.map((r) => r['单位名称'])).toEqual([steel]);
  });

  it("gives each welder the list's certificate state, computed in SQL", async () => {
    // One welder per state the list knows, on top of the demo's.
    await t.ds.query(
      `UPDATE certificates SET expires_on = DATE '2026-04-01' WHERE id = (SELECT id FROM certificates ORDER BY id LIMIT 1)`,
    );
    await t.ds.query(
      `UPDATE certificates SET verification = 'unverified' WHERE id = (SELECT id FROM certificates ORDER BY id OFFSET 1 LIMIT 1)`,
    );
    await t.ds.query(
      `UPDATE certificates SET expires_on = DATE '2026-01-01' WHERE id = (SELECT id FROM certificates ORDER BY id OFFSET 2 LIMIT 1)`,
    );
    const label = WELDER_EXPORT.columns.find((c) => c.header === '持证状态')!;
    const listed = await listItems<{ idNumberMasked: string; certificateState: string }>(
      'xiayi.regulator',
      '/api/welders',
    );
    const { rows } = await exportRows('xiayi.regulator', '', 'welders');
    expect(rows.map((r) => [r['身份证号'], r['持证状态']])).toEqual(
      listed.map((w) => [w.idNumberMasked, label.value({ certificateState: w.certificateState } as never)]),
    );
    expect(new Set(listed.map((w) => w.certificateState)).size).toBeGreaterThanOrEqual(3);
  });

  /** Export connections open now (the worker's own, by application name). */
  describe('a large export (80,000 machines)', () => {
    let bulkEnterprise: string;
    beforeAll(async () => {
      [{ id: bulkEnterprise }] = await t.ds.query(`SELECT id FROM enterprises WHERE name = '夏邑县宏远农机制造厂'`);
      await t.ds.query(
        `INSERT INTO machines (enterprise_id, name, kind, manufacturer, model, serial_number, status)
         SELECT $1, '大批焊机' || lpad(g::text, 6, '0'), 'electric_arc', '大批厂', 'L-1', 'LARGE-' || lpad(g::text, 6, '0'), 'active'
           FROM generate_series(1, 80000) g`,
        [bulkEnterprise],
      );
    });

    it('reads no further than the client downloads, and a client that goes away ends the query and frees the connection', async () => {
      const download = await openDownload(
        t,
        `/api/ledgers/machines/export.xlsx?enterpriseId=${bulkEnterprise}`,
        'xiayi.regulator',
      );
      expect(download.status).toBe(200);
      // The client reads nothing more: once the buffers between them are full (how long that takes depends on the
      // machine's load: 1.5 s was too short in CI) the worker waits, idle in its transaction, its cursor open,
      // and stays so.
      const idle = async () => JSON.stringify(await exportBackends(t)) === '[{"state":"idle in transaction"}]';
      expect(await until(idle, 15_000)).toBe(true);
      await new Promise((r) => setTimeout(r, 1_000));
      expect(await exportBackends(t)).toEqual([{ state: 'idle in transaction' }]);
      download.close();
      expect(await until(async () => (await exportBackends(t)).length === 0, 5_000)).toBe(true);
    });

    it(`runs at most ${MAX_CONCURRENT_EXPORTS} exports at once; the next starts when one ends`, async () => {
      const path = `/api/ledgers/machines/export.xlsx?enterpriseId=${bulkEnterprise}`;
      const running = await Promise.all(
        Array.from({ length: MAX_CONCURRENT_EXPORTS }, () => openDownload(t, path, 'xiayi.regulator')),
      );
      let started = false;
      const next = openDownload(t, path, 'xiayi.regulator').then((d) => {
        started = true;
        return d;
      });
      await new Promise((r) => setTimeout(r, 1_000));
      expect(started).toBe(false);
      expect((await exportBackends(t)).length).toBe(MAX_CONCURRENT_EXPORTS);
      running[0].close();
      const third = await next;
      expect(third.status).toBe(200);
      for (const d of [...running.slice(1), third]) d.close();
      expect(await until(async () => (await exportBackends(t)).length === 0, 5_000)).toBe(true);
    });
  });
});
