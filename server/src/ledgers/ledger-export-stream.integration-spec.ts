import * as ExcelJS from 'exceljs';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { FakeClock } from '../common/clock/clock';

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

  async function exportRows(user: string, query: string) {
    const res = await t.http
      .get(`/api/ledgers/machines/export.xlsx?${query}`)
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
});
