import * as ExcelJS from 'exceljs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { MACHINE_SHEET } from '../ledgers/definitions/machine-ledger';
import { writeSecurityArtifact } from '../../test-support/security-artifact';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The label sheet renders one QR per machine; 200 of them used to run back to back on the event loop. */
describe('label sheet of 200 machines', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  const MAX_DELAY_MS = 500;
  let measured: number | null = null;
  afterAll(async () => {
    await t.close();
    writeSecurityArtifact('label-sheet-load', 'One request holding the event loop: a 200-label QR sheet', [
      {
        class: 'event-loop starvation by one request',
        tried: measured === null ? 0 : 1,
        refused: measured !== null && measured < MAX_DELAY_MS ? 1 : 0,
        notes: `200 QR labels in one request: loop max delay ${measured?.toFixed(0) ?? '?'} ms (bound ${MAX_DELAY_MS} ms)`,
      },
    ]);
  });

  it('renders 200 QR labels without holding the event loop', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet(MACHINE_SHEET.sheetName);
    ws.addRow(MACHINE_SHEET.columns.map((c) => c.header));
    for (let i = 0; i < 200; i++) ws.addRow([`标签焊机${i}`, '电弧焊机', '时代焊机', 'WS-400', `LABEL-${i}`, 12]);
    const file = Buffer.from(await wb.xlsx.writeBuffer());
    const h = await t.auth('hengda.admin');
    const post = await t.http
      .post('/api/ledgers/machines/import')
      .set(h)
      .attach('file', file, { filename: 'labels.xlsx', contentType: XLSX });
    expect(post.status).toBe(202);
    let job = post.body;
    while (['queued', 'running'].includes(job.state)) {
      await new Promise((r) => setTimeout(r, 100));
      job = (await t.http.get(`/api/ledgers/import-jobs/${post.body.id}`).set(h)).body;
    }
    expect(job.state).toBe('succeeded');
    const ids = job.result.ids as string[];
    // Warm the QR library once, so that the measurement is the steady state.
    expect((await t.http.get(`/api/codes/labels?machineIds=${ids[0]}`).set(h)).status).toBe(200);

    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    const res = await t.http.get(`/api/codes/labels?machineIds=${ids.join(',')}`).set(h);
    loop.disable();
    expect(res.status).toBe(200);
    expect((res.text.match(/<svg/g) ?? []).length).toBe(200);
    const maxMs = loop.max / 1e6;
    measured = maxMs;
    console.log(`label sheet of 200: event-loop max delay ${maxMs.toFixed(0)} ms`);
    // Back to back, 200 QR codes held the loop for 1,142 ms here; one at a time, the longest stall
    // measured 154 ms (the HTML and the test's own parsing). A generous bound between the two.
    expect(maxMs).toBeLessThan(MAX_DELAY_MS);
  });
});
