import * as ExcelJS from 'exceljs';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { exportBackends, openDownload, until } from '../../test-support/streamed-download';

const BULK = 12_000;

/** Collects a (chunked) response body as a Buffer. */
function binary(res: unknown, cb: (err: Error | null, body: Buffer) => void): void {
  const stream = res as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

describe('alert exports, streamed (12,000 alerts of one enterprise)', () => {
  let t: TestApp;
  let enterpriseId: string;
  const exportAudits = (): Promise<{ after: { rows: number | null; complete: boolean } }[]> =>
    t.ds.query(`SELECT after FROM audit_log WHERE action = 'alert.export' ORDER BY id`);

  beforeAll(async () => {
    t = await createTestApp();
    const [e] = await t.ds.query(`SELECT id, region_path FROM enterprises WHERE name = '夏邑县宏远农机制造厂'`);
    enterpriseId = e.id;
    // Twelve export batches (1,000 rows each), in one statement.
    await t.ds.query(
      `INSERT INTO alerts (type, severity, state, enterprise_id, region_path, evidence, dedupe_key, count, first_seen_at, last_seen_at)
       SELECT 'TAMPER', 'critical', 'open', $1, $2, '{}'::jsonb, 'bulk:' || g, 1 + g % 5,
              now() - make_interval(mins => g), now() - make_interval(mins => g)
         FROM generate_series(1, $3) g`,
      [e.id, e.region_path, BULK],
    );
  });
  afterAll(async () => {
    await t.close();
  });

  it('streams every alert of the filter in the list order, and audits the complete download with its row count', async () => {
    const res = await t.http
      .get(`/api/alerts/export.xlsx?enterpriseId=${enterpriseId}&type=TAMPER`)
      .set(await t.auth('xiayi.regulator'))
      .buffer(true)
      .parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['transfer-encoding']).toBe('chunked');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body);
    const ws = wb.worksheets[0];
    expect(ws.rowCount - 1).toBe(BULK);
    // Newest first, as the list: the bulk alert seen 1 minute ago, count 1 + 1 % 5.
    expect(ws.getRow(2).getCell(13).value).toBe(2);
    const audits = await exportAudits();
    expect(audits).toHaveLength(1);
    expect(audits[0].after).toMatchObject({ rows: BULK, complete: true });
  });

  it('a download cut short is audited with rows null (some may have left), and its query ends', async () => {
    const download = await openDownload(t, `/api/alerts/export.xlsx?enterpriseId=${enterpriseId}`, 'xiayi.regulator');
    expect(download.status).toBe(200);
    download.close();
    expect(await until(async () => (await exportAudits()).some((a) => a.after.complete === false), 10_000)).toBe(true);
    const cut = (await exportAudits()).find((a) => a.after.complete === false)!;
    expect(cut.after.rows).toBeNull();
    expect(await until(async () => (await exportBackends(t)).length === 0, 5_000)).toBe(true);
  });
});
