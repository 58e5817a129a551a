import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, TestApp } from '../../../test-support/test-app';
import { AuditService } from '../../audit/audit.service';
import { FakeClock } from '../../common/clock/clock';
import { archiveFileName, readArchiveFile } from './archive-file';
import { formatMonth } from './archive-months';
import { ArchiveChangedError, EventArchiver, RESTORE_HOLD_DAYS } from './event-archiver';

const SERVER_DIR = join(__dirname, '..', '..', '..');
const SEP = { year: 2024, month: 9 };
const OCT = { year: 2024, month: 10 };
const NOV = { year: 2024, month: 11 };
const DEC = { year: 2024, month: 12 };
/** The last instant before December 2024 is 13 months old: October and November are due, December not. */
const BEFORE_DEC_DUE = '2026-01-31T23:59:59.999Z';

describe('device event retention: archive, drop, restore (real PostgreSQL)', () => {
  const clock = new FakeClock(new Date('2024-11-15T08:00:00Z'));
  let t: TestApp;
  let dir: string;
  let work: string;
  let archiver: EventArchiver;
  const print: Record<string, { n: number; md5: string }> = {};

  /** Count and an order-independent fingerprint of every column of the month's rows. */
  async function fingerprint(m: { year: number; month: number }) {
    const from = new Date(Date.UTC(m.year, m.month - 1, 1));
    const to = new Date(Date.UTC(m.year, m.month, 1));
    const r: { n: number; md5: string }[] = await t.ds.query(
      `SELECT count(*)::int AS n, coalesce(md5(string_agg(e::text, '|' ORDER BY chip_id, seq, occurred_at)), '') AS md5
         FROM (SELECT chip_id, seq, type, occurred_at, received_at, machine_id, grant_id, payload FROM device_events
                WHERE occurred_at >= $1 AND occurred_at < $2) e`,
      [from, to],
    );
    return r[0];
  }

  /** Events every `stepMinutes` from `from`, with payloads that test the file format (newline, tab, backslash, quotes, 中文). */
  async function events(chip: string, first: number, n: number, from: string, stepMinutes = 30) {
    await t.ds.query(
      `INSERT INTO device_events (chip_id, seq, type, occurred_at, received_at, machine_id, grant_id, payload)
       SELECT $1, g, CASE WHEN g % 3 = 0 THEN 'arc.stop' ELSE 'heartbeat' END,
              $3::timestamptz + ((g - $2) * $4 * interval '1 minute'), $3::timestamptz + ((g - $2) * $4 * interval '1 minute') + interval '2 seconds',
              CASE WHEN g % 2 = 0 THEN gen_random_uuid() END, CASE WHEN g % 5 = 0 THEN 'grant-' || g END,
              jsonb_build_object('n', g, 'note', E'line\\nbreak\\t"quoted" \\\\ 焊机', 'current', g * 1.5)
         FROM generate_series($2::bigint, $2::bigint + $5 - 1) g`,
      [chip, first, from, stepMinutes, n],
    );
  }

  const partitions = async () =>
    (
      await t.ds.query(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'device_events'::regclass`,
      )
    ).map((r: { name: string }) => r.name) as string[];
  type CatalogueRow = {
    month: string;
    file: string;
    generation: number;
    rows: number;
    dropped: boolean;
    restored: boolean;
  };
  const catalogue = () =>
    t.ds.query<CatalogueRow[]>(
      `SELECT to_char(month, 'YYYY-MM') AS month, file, generation, rows::int AS rows, dropped_at IS NOT NULL AS dropped, restored_at IS NOT NULL AS restored
         FROM device_event_archives ORDER BY month`,
    );
  const audits = (action: string) =>
    t.ds.query<{ entity_id: string; after: Record<string, unknown> }[]>(
      `SELECT entity_id, after FROM audit_log WHERE action = $1 ORDER BY id`,
      [action],
    );

  beforeAll(async () => {
    t = await createTestApp({ clock, seed: false });
    dir = mkdtempSync(join(tmpdir(), 'arcgate-archive-'));
    work = mkdtempSync(join(tmpdir(), 'arcgate-archive-cli-'));
    archiver = new EventArchiver(t.ds, t.app.get(AuditService), clock, { dir, retentionMonths: 13 });
    // November and December 2024 have partitions (TelemetryPartitions made them at the fake clock's start);
    // October 2024 has none, so its rows sit in the default partition.
    expect(await partitions()).toEqual(expect.arrayContaining(['device_events_202411', 'device_events_202412']));
    expect(await partitions()).not.toContain('device_events_202410');
    await events('ARCH-A', 1, 200, '2024-10-01T00:00:00Z', 200);
    await events('ARCH-A', 1001, 700, '2024-11-01T00:00:00Z', 60);
    await events('ARCH-B', 1, 300, '2024-11-02T00:00:00Z', 30);
    await events('ARCH-B', 5001, 250, '2024-12-01T00:00:00Z', 60);
    // The boundary, to the microsecond: the last instant of November, the first of December.
    await t.ds.query(
      `INSERT INTO device_events (chip_id, seq, type, occurred_at, received_at, payload) VALUES
         ('ARCH-EDGE', 1, 'heartbeat', '2024-11-30T23:59:59.999999Z', '2024-12-01T00:00:01Z', '{}'),
         ('ARCH-EDGE', 2, 'heartbeat', '2024-12-01T00:00:00Z', '2024-12-01T00:00:01Z', '{}')`,
    );
    // The exactly-once guard of chip ARCH-A's events (all below its watermark but the last), and of December's.
    await t.ds.query(`INSERT INTO chips (chip_id, public_key, last_seq) VALUES ('ARCH-A', 'k', 1699)`);
    await t.ds.query(
      `INSERT INTO device_event_seqs (chip_id, seq) SELECT chip_id, seq FROM device_events WHERE chip_id IN ('ARCH-A', 'ARCH-B')`,
    );
    // An arc of November: the legal record stays whatever happens to the raw events.
    await t.ds.query(
      `INSERT INTO arcs (chip_id, stop_seq, started_at, ended_at, duration_ms, current_stats, voltage_stats, samples, sample_rate_hz)
       VALUES ('ARCH-A', 1003, '2024-11-01T02:00:00Z', '2024-11-01T02:05:00Z', 300000, '{}', '{}', 10, 1)`,
    );
    for (const m of [OCT, NOV, DEC]) print[formatMonth(m)] = await fingerprint(m);
    expect(print).toMatchObject({ '2024-10': { n: 200 }, '2024-11': { n: 1001 }, '2024-12': { n: 251 } });
  });

  afterAll(async () => {
    await t?.close();
    for (const d of [dir, work]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it('the server runs the archiver with the configured retention, into DATA_DIR/archive/device-events by default', () => {
    expect(t.app.get(EventArchiver).options).toEqual({
      retentionMonths: 13,
      dir: join(t.config.dataDir, 'archive', 'device-events'),
    });
  });

  it('a month is due when its last instant is the retention period old, not a millisecond earlier', async () => {
    clock.set(BEFORE_DEC_DUE);
    expect((await archiver.dueMonths()).map(formatMonth)).toEqual(['2024-10', '2024-11']);
    clock.set('2026-02-01T00:00:00.000Z');
    expect((await archiver.dueMonths()).map(formatMonth)).toEqual(['2024-10', '2024-11', '2024-12']);
    clock.set(BEFORE_DEC_DUE);
  });

  it('a crash after the file is written and before the drop loses nothing; the next run finishes the job', async () => {
    // The CLI in a child process, killed (SIGKILL) right after the first month's file is written and verified.
    const offset = join(work, 'offset');
    writeFileSync(offset, String(new Date(BEFORE_DEC_DUE).getTime() - Date.now()));
    const child = spawn(
      process.execPath,
      [
        '-r',
        join(SERVER_DIR, 'test-support', 'ts-register.js'),
        join(SERVER_DIR, 'src', 'telemetry', 'archive', 'archive.cli.ts'),
        'run',
      ],
      {
        cwd: SERVER_DIR,
        env: {
          PATH: process.env.PATH,
          NODE_ENV: 'test',
          DATABASE_URL: t.config.databaseUrl,
          DATA_DIR: work,
          EVENT_ARCHIVE_DIR: dir,
          ARCGATE_FAULT_POINTS: 'archive.after-write',
          ARCGATE_CLOCK_OFFSET_FILE: offset,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const signal = await new Promise<string | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
    expect(err).toContain('ARCGATE_FAULT_POINT archive.after-write hit 1');
    expect(signal).toBe('SIGKILL');

    // October's file is on disk, but nothing was dropped or catalogued.
    expect(existsSync(join(dir, archiveFileName(OCT, 1)))).toBe(true);
    expect(await catalogue()).toEqual([]);
    expect(await fingerprint(OCT)).toEqual(print['2024-10']);
    expect(await audits('device_events.archive')).toEqual([]);

    const out = await archiver.runDue();
    expect(out).toEqual([
      { month: '2024-10', outcome: 'archived', rows: 200, file: archiveFileName(OCT, 1) },
      { month: '2024-11', outcome: 'archived', rows: 1001, file: archiveFileName(NOV, 1) },
    ]);
  });

  it('archived months are gone from the database, their files hold exactly their rows, arcs and later months stay', async () => {
    expect((await fingerprint(OCT)).n).toBe(0);
    expect((await fingerprint(NOV)).n).toBe(0);
    expect(await fingerprint(DEC)).toEqual(print['2024-12']);
    expect(await partitions()).not.toContain('device_events_202411');
    expect(await partitions()).toContain('device_events_202412');
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM arcs WHERE chip_id = 'ARCH-A'`))[0].n).toBe(1);
    // The guard of archived events below the chip's watermark is pruned; above it, and of chips unknown, it stays.
    const seqs = await t.ds.query<{ chip_id: string; n: number; top: string }[]>(
      `SELECT chip_id, count(*)::int AS n, max(seq)::text AS top FROM device_event_seqs GROUP BY chip_id ORDER BY chip_id`,
    );
    expect(seqs).toEqual([
      { chip_id: 'ARCH-A', n: 1, top: '1700' },
      { chip_id: 'ARCH-B', n: 550, top: '5250' },
    ]);
    expect(await catalogue()).toEqual([
      { month: '2024-10', file: archiveFileName(OCT, 1), generation: 1, rows: 200, dropped: true, restored: false },
      { month: '2024-11', file: archiveFileName(NOV, 1), generation: 1, rows: 1001, dropped: true, restored: false },
    ]);
    for (const [m, n] of [
      [OCT, 200],
      [NOV, 1001],
    ] as const) {
      const file = join(dir, archiveFileName(m, 1));
      const read = await readArchiveFile(file);
      expect(read.rows).toBe(n);
      const manifest = JSON.parse(readFileSync(file.replace(/\.tsv\.gz$/, '.json'), 'utf8'));
      expect(manifest).toMatchObject({ month: formatMonth(m), rows: n, sha256: read.sha256, bytes: read.bytes });
    }
    expect(readdirSync(dir).sort()).toEqual(
      [archiveFileName(OCT, 1), archiveFileName(NOV, 1)].flatMap((f) => [f, f.replace(/\.tsv\.gz$/, '.json')]).sort(),
    );
    const audited = await audits('device_events.archive');
    expect(audited.map((a) => a.entity_id)).toEqual(['2024-10', '2024-11']);
    expect(audited[1].after).toMatchObject({ rows: 1001, file: archiveFileName(NOV, 1), retentionMonths: 13 });

    // Idempotent: nothing is due any more, and archiving a month again changes nothing.
    expect(await archiver.runDue()).toEqual([]);
    expect(await archiver.archiveMonth(NOV)).toEqual({ month: '2024-11', outcome: 'already_archived' });
    expect((await audits('device_events.archive')).length).toBe(2);
  });

  it('restore puts the rows back identical, into a re-created partition; twice adds no duplicates', async () => {
    expect(await archiver.restoreMonth(NOV)).toEqual({ month: '2024-11', rows: 1001, inserted: 1001 });
    expect(await fingerprint(NOV)).toEqual(print['2024-11']);
    expect(await partitions()).toContain('device_events_202411');
    // The rows sit in their own partition.
    expect((await t.ds.query(`SELECT count(*)::int AS n FROM device_events_202411`))[0].n).toBe(1001);
    expect(await archiver.restoreMonth(NOV)).toEqual({ month: '2024-11', rows: 1001, inserted: 0 });
    expect(await fingerprint(NOV)).toEqual(print['2024-11']);
    expect((await audits('device_events.restore')).map((a) => [a.entity_id, a.after.inserted])).toEqual([
      ['2024-11', 1001],
      ['2024-11', 0],
    ]);
    await expect(archiver.restoreMonth({ year: 2023, month: 1 })).rejects.toThrow(/no archive of 2023-01/);
  });

  it('a restored month is held for the hold period, then archived again as a new generation', async () => {
    expect(await archiver.runDue()).toEqual([{ month: '2024-11', outcome: 'held_after_restore' }]);
    clock.advance(RESTORE_HOLD_DAYS * 86_400_000);
    // Thirty days on, December 2024 is due too.
    expect(await archiver.runDue()).toEqual([
      { month: '2024-11', outcome: 'archived', rows: 1001, file: archiveFileName(NOV, 2) },
      { month: '2024-12', outcome: 'archived', rows: 251, file: archiveFileName(DEC, 1) },
    ]);
    expect((await fingerprint(NOV)).n).toBe(0);
    expect((await fingerprint(DEC)).n).toBe(0);
    // The superseded generation is removed.
    expect(existsSync(join(dir, archiveFileName(NOV, 1)))).toBe(false);
    expect(existsSync(join(dir, archiveFileName(NOV, 2)))).toBe(true);
    expect(await archiver.restoreMonth(DEC)).toMatchObject({ inserted: 251 });
    expect(await fingerprint(DEC)).toEqual(print['2024-12']);
  });

  it('a late event of an archived month is archived with the month: the new file holds the old rows and the new one', async () => {
    await t.ds.query(
      `INSERT INTO device_events (chip_id, seq, type, occurred_at, received_at, payload)
       VALUES ('ARCH-LATE', 1, 'heartbeat', '2024-11-20T10:00:00Z', now(), '{"late":true}')`,
    );
    const [late] = await archiver.runDue();
    expect(late).toEqual({ month: '2024-11', outcome: 'archived', rows: 1002, file: archiveFileName(NOV, 3) });
    expect((await fingerprint(NOV)).n).toBe(0);
    expect(await archiver.restoreMonth(NOV)).toMatchObject({ rows: 1002, inserted: 1002 });
    expect((await fingerprint(NOV)).n).toBe(1002);
    await t.ds.query(`DELETE FROM device_events WHERE chip_id = 'ARCH-LATE'`);
    expect(await fingerprint(NOV)).toEqual(print['2024-11']);
  });

  it('a row that arrives between the export and the drop stops the drop; the next run archives it with the rest', async () => {
    await events('ARCH-SEP', 1, 50, '2024-09-01T00:00:00Z', 60);
    const writer = t.ds.createQueryRunner();
    await writer.connect();
    await writer.startTransaction();
    try {
      // A device write in flight: not visible to the export's snapshot, committed while the drop waits for its lock.
      await writer.query(
        `INSERT INTO device_events (chip_id, seq, type, occurred_at, received_at, payload)
         VALUES ('ARCH-SEP', 51, 'heartbeat', '2024-09-30T12:00:00Z', now(), '{}')`,
      );
      const run = archiver.archiveMonth(SEP);
      // Commit once the drop waits for the writer's lock on the default partition.
      const commit = (async () => {
        for (let i = 0; i < 200; i++) {
          const [w] = await t.ds.query(
            `SELECT count(*)::int AS n FROM pg_locks WHERE relation = 'device_events_default'::regclass AND NOT granted`,
          );
          if (w.n > 0) break;
          await new Promise((r) => setTimeout(r, 10));
        }
        await writer.commitTransaction();
      })();
      await expect(run).rejects.toThrow(ArchiveChangedError);
      await commit;
    } finally {
      if (writer.isTransactionActive) await writer.rollbackTransaction();
      await writer.release();
    }
    expect((await fingerprint(SEP)).n).toBe(51);
    expect((await catalogue()).map((c) => c.month)).not.toContain('2024-09');
    expect(await archiver.archiveMonth(SEP)).toEqual({
      month: '2024-09',
      outcome: 'archived',
      rows: 51,
      file: archiveFileName(SEP, 1),
    });
    expect((await fingerprint(SEP)).n).toBe(0);
  });

  it('a file that does not match the catalogue is refused and nothing is restored', async () => {
    writeFileSync(join(dir, archiveFileName(OCT, 1)), 'not an archive');
    await expect(archiver.restoreMonth(OCT)).rejects.toThrow();
    expect((await fingerprint(OCT)).n).toBe(0);
    expect((await audits('device_events.restore')).filter((a) => a.entity_id === '2024-10')).toEqual([]);
  });
});
