import * as ExcelJS from 'exceljs';
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PassThrough } from 'node:stream';
import * as zlib from 'node:zlib';
import { newNonce } from '@arcgate/protocol';
import { randomUUID } from 'node:crypto';
import { createTestApp, TestApp } from '../../test-support/test-app';
import { AuthorizationService } from '../authorization/authorization.service';
import { Decision } from '../authorization/decision';
import { activeCode, approvedPermit, at9, bindNewChip } from '../authorization/testing/arm-test-kit';
import { FakeClock } from '../common/clock/clock';
import { cst, demoIds, STEEL_SITE } from '../permits/testing/permit-fixtures';
import { MACHINE_SHEET } from './definitions/machine-ledger';
import { IMPORT_CONCURRENCY, IMPORT_QUEUE_LIMIT } from './jobs/import-worker-pool';
import { MAX_IMPORT_ROWS } from './sheet/ledger-sheet';
import { writeSecurityArtifact } from '../../test-support/security-artifact';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const SUITE = 'import-limits';
/**
 * The old importer parsed on the main thread: a 150,000-row sheet blocked the event loop for 7.5 s,
 * and this test's 100,000-row file for 3.8 s (10.7 s of parsing, RSS +411 MB) on the 2-core
 * development host. Parsed in a worker, the loop's worst stall measured 171-563 ms there with the
 * host at load 13 (the OS deschedules the main thread, and the test's own file generation leaves
 * garbage to collect). The bound is generous for a loaded CI host, yet far under the old stall.
 */
const MAX_LOOP_DELAY_MS = 1500;

const crc32: (b: Buffer) => number = (zlib as unknown as { crc32?: (b: Buffer) => number }).crc32 ?? (() => 0);

/** A minimal zip writer, so that the test controls every header (sizes may lie on purpose). */
function zipOf(entries: { name: string; data: Buffer; declaredSize?: number }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const deflated = zlib.deflateRawSync(e.data, { level: 9 });
    const size = e.declaredSize ?? e.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(e.data) >>> 0, 14);
    local.writeUInt32LE(deflated.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(e.data) >>> 0, 16);
    central.writeUInt32LE(deflated.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, deflated);
    centrals.push(central, name);
    offset += 30 + name.length + deflated.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

/** A machine ledger of `rows` data rows, written with exceljs' streaming writer. */
async function bigLedger(rows: number): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: false });
  const ws = wb.addWorksheet(MACHINE_SHEET.sheetName);
  ws.addRow(MACHINE_SHEET.columns.map((c) => c.header)).commit();
  for (let i = 0; i < rows; i++)
    ws.addRow([`批量焊机${i}`, '电弧焊机', '时代焊机', 'WS-400', `BULK-${i}`, 12]).commit();
  ws.commit();
  await wb.commit();
  return Buffer.concat(chunks);
}

describe('ledger imports under hostile files (worker thread, limits before parsing)', () => {
  let t: TestApp;
  const classes: Record<string, { tried: number; refused: number; notes: string }> = {};
  const count = (cls: string, refused: boolean, notes: string) => {
    const c = (classes[cls] ??= { tried: 0, refused: 0, notes });
    c.tried++;
    if (refused) c.refused++;
    c.notes = notes;
  };

  const clock = new FakeClock(new Date(cst(5, '08:00')));
  /** A device's arm request, decided as the MQTT handler decides it (the hot path the import must not stall). */
  let decide: () => Promise<Decision>;

  beforeAll(async () => {
    t = await createTestApp({ clock });
    const ids = await demoIds(t.ds);
    const permit = await approvedPermit(t, clock, ids);
    const { chip } = await bindNewChip(t, ids.steelMachine1);
    const code = await activeCode(t, ids.zhang);
    clock.set(at9());
    decide = () => {
      const at = clock.now();
      return t.app.get(AuthorizationService).decide({
        chipId: chip,
        machineId: ids.steelMachine1,
        credential: { kind: 'welder_code', code },
        permitId: permit,
        position: { lat: STEEL_SITE.lat, lng: STEEL_SITE.lng, accuracyM: 5, fixAt: at.toISOString() },
        nonce: newNonce(),
        requestId: randomUUID(),
        at,
        source: 'device',
        requestTs: at,
      });
    };
  });
  afterAll(async () => {
    await t.close();
    writeSecurityArtifact(
      SUITE,
      'xlsx imports: zip bombs, oversized and over-long workbooks, queue floods, event-loop starvation',
      Object.entries(classes).map(([cls, c]) => ({ class: cls, ...c })),
    );
  });

  const post = async (file: Buffer, user = 'hengda.admin') =>
    t.http
      .post('/api/ledgers/machines/import')
      .set(await t.auth(user))
      .attach('file', file, { filename: 'ledger.xlsx', contentType: XLSX });
  async function finished(id: string) {
    for (let i = 0; i < 1200; i++) {
      const res = await t.http.get(`/api/ledgers/import-jobs/${id}`).set(await t.auth('hengda.admin'));
      if (!['queued', 'running'].includes(res.body.state)) return res.body;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('job did not finish');
  }
  const jobs = async () => (await t.ds.query('SELECT count(*)::int AS n FROM import_jobs'))[0].n as number;

  it('keeps answering device arm requests and users while a 100,000-row workbook is refused, stops at the row cap, and bounds memory', async () => {
    const file = await bigLedger(100_000);
    const machinesBefore = (await t.ds.query('SELECT count(*)::int AS n FROM machines'))[0].n;
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 20);
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    const started = Date.now();
    const res = await post(file);
    expect(res.status).toBe(202);
    // Meanwhile, devices' arm requests and other users' requests keep their usual latency.
    const roundTrips: number[] = [];
    const decisions: number[] = [];
    type FailedJob = {
      state: string;
      error: {
        code: string;
        fields: { field: string; code: string }[];
        details: { rowsRead: number; maxRows: number };
      };
    };
    const outcome: { job: FailedJob | null } = { job: null };
    const done = finished(res.body.id).then((j: FailedJob) => {
      outcome.job = j;
    });
    while (!outcome.job) {
      const t0 = performance.now();
      const health = await t.http.get('/api/health');
      roundTrips.push(performance.now() - t0);
      expect(health.status).toBe(200);
      const d0 = performance.now();
      const decision = await decide();
      decisions.push(performance.now() - d0);
      expect(decision.allowed).toBe(true);
      await new Promise((r) => setTimeout(r, 25));
    }
    await done;
    loop.disable();
    clearInterval(sampler);
    const maxDelayMs = loop.max / 1e6;
    const maxRoundTripMs = Math.max(...roundTrips);
    const maxDecisionMs = Math.max(...decisions);
    const rssGrowthMb = (rssPeak - rssBefore) / 1024 / 1024;
    // Reported for the artifact and the log: these are measurements, the bounds below are generous.
    console.log(
      `import of ${file.length} bytes / 100000 rows: ${Date.now() - started} ms, event-loop max delay ${maxDelayMs.toFixed(0)} ms, p99 ${(loop.percentile(99) / 1e6).toFixed(0)} ms, health round trips n=${roundTrips.length} max ${maxRoundTripMs.toFixed(0)} ms, arm decisions n=${decisions.length} max ${maxDecisionMs.toFixed(0)} ms, RSS growth ${rssGrowthMb.toFixed(0)} MB`,
    );

    const finishedJob = outcome.job;
    expect(finishedJob.state).toBe('failed');
    expect(finishedJob.error.code).toBe('IMPORT_TOO_MANY_ROWS');
    expect(finishedJob.error.fields).toEqual([expect.objectContaining({ field: 'file', code: 'tooManyRows' })]);
    // The reader stopped at the cap instead of reading 100,000 rows.
    expect(finishedJob.error.details.rowsRead).toBeLessThanOrEqual(MAX_IMPORT_ROWS + 1);
    expect((await t.ds.query('SELECT count(*)::int AS n FROM machines'))[0].n).toBe(machinesBefore);
    const starved = maxDelayMs >= MAX_LOOP_DELAY_MS;
    count(
      'event-loop starvation by one import',
      !starved,
      `100k-row xlsx (${(file.length / 1e6).toFixed(1)} MB): loop max delay ${maxDelayMs.toFixed(0)} ms, health max ${maxRoundTripMs.toFixed(0)} ms, arm decision max ${maxDecisionMs.toFixed(0)} ms, RSS +${rssGrowthMb.toFixed(0)} MB`,
    );
    count(
      'too many rows',
      finishedJob.error.code === 'IMPORT_TOO_MANY_ROWS',
      `stopped after ${finishedJob.error.details.rowsRead} sheet rows of 100000`,
    );
    expect(maxDelayMs).toBeLessThan(MAX_LOOP_DELAY_MS);
    expect(maxRoundTripMs).toBeLessThan(MAX_LOOP_DELAY_MS * 2);
    expect(maxDecisionMs).toBeLessThan(MAX_LOOP_DELAY_MS * 2);
    // The worker's heap is capped (320 MB old space); the old importer grew the server by 570 MB.
    expect(rssGrowthMb).toBeLessThan(500);
  });

  it('refuses zip bombs and oversized workbooks from the zip directory, before parsing or storing anything', async () => {
    const before = await jobs();
    const cases: { name: string; file: Buffer; code: string }[] = [
      // 60 MB of one byte compresses ~1000:1.
      {
        name: 'zip bomb',
        file: zipOf([
          { name: '[Content_Types].xml', data: Buffer.from('<Types/>') },
          { name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(60 * 1024 * 1024, 0x20) },
        ]),
        code: 'zipBomb',
      },
      // Sizes that lie: a small entry declaring 40 MB is refused on what it declares.
      {
        name: 'declared entry size',
        file: zipOf([
          { name: 'xl/worksheets/sheet1.xml', data: randomBytes(1536 * 1024), declaredSize: 40 * 1024 * 1024 },
        ]),
        code: 'entryTooLarge',
      },
      {
        name: 'entry count',
        file: zipOf(
          Array.from({ length: 600 }, (_, i) => ({ name: `xl/media/x${i}.xml`, data: Buffer.from(`<x>${i}</x>`) })),
        ),
        code: 'tooManyEntries',
      },
      {
        name: 'total inflated size',
        file: zipOf(
          Array.from({ length: 5 }, (_, i) => ({
            name: `xl/worksheets/sheet${i + 1}.xml`,
            data: randomBytes(600 * 1024),
            declaredSize: 15 * 1024 * 1024,
          })),
        ),
        code: 'uncompressedTooLarge',
      },
    ];
    for (const c of cases) {
      const started = Date.now();
      const res = await post(c.file);
      const refused =
        res.status === 413 &&
        res.body.error?.code === 'IMPORT_FILE_TOO_LARGE' &&
        res.body.error.fields?.[0]?.code === c.code;
      count(
        'zip bomb / oversized workbook',
        refused,
        'refused from the central directory with 413 IMPORT_FILE_TOO_LARGE and a field code; no job stored',
      );
      expect({
        name: c.name,
        status: res.status,
        code: res.body.error?.code,
        field: res.body.error?.fields?.[0],
      }).toEqual({
        name: c.name,
        status: 413,
        code: 'IMPORT_FILE_TOO_LARGE',
        field: expect.objectContaining({ field: 'file', code: c.code }),
      });
      expect(Date.now() - started).toBeLessThan(5000);
    }
    const notZip = await post(Buffer.from('PK\u0003\u0004 not a zip at all'));
    count('zip bomb / oversized workbook', notZip.status === 400, 'a broken zip directory is FILE_UNREADABLE');
    expect(notZip.body.error).toMatchObject({
      code: 'FILE_UNREADABLE',
      fields: [expect.objectContaining({ field: 'file' })],
    });
    expect(await jobs()).toBe(before);
  });

  it('answers 503 IMPORT_BUSY with Retry-After when the import queue is full, and the admitted jobs all finish', async () => {
    const small = await bigLedger(3);
    const tries = IMPORT_CONCURRENCY + IMPORT_QUEUE_LIMIT + 2;
    const answers = await Promise.all(Array.from({ length: tries }, () => post(small)));
    const busy = answers.filter((a) => a.status === 503);
    const accepted = answers.filter((a) => a.status === 202);
    for (const a of busy) {
      count(
        'import queue flood',
        a.body.error?.code === 'IMPORT_BUSY' && Number(a.headers['retry-after']) > 0,
        `${tries} concurrent uploads: ${accepted.length} queued, the rest 503 IMPORT_BUSY with Retry-After`,
      );
      expect(a.body.error.code).toBe('IMPORT_BUSY');
      expect(Number(a.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect(accepted.length).toBe(IMPORT_CONCURRENCY + IMPORT_QUEUE_LIMIT);
    expect(busy.length).toBe(tries - accepted.length);
    // Same serials: the first succeeds, the others are rejected as duplicates: all finish, none hangs.
    const states = await Promise.all(accepted.map(async (a) => (await finished(a.body.id)).state));
    expect(states.sort()).toEqual(['rejected', 'rejected', 'rejected', 'rejected', 'succeeded']);
    // Once drained, imports are admitted again.
    const again = await post(small);
    expect(again.status).toBe(202);
    expect((await finished(again.body.id)).state).toBe('rejected');
  });
});
