/**
 * Bytes per row of the tables that grow with use, measured on PostgreSQL (issue 19 §3: "how big is the
 * database per year at province scale"). Real rows are made through the real code paths (arm decisions,
 * telemetry ingest, the demo's audit log and alerts); each table is then grown by SQL to N rows shaped
 * like them (fresh keys, spread times) and pg_total_relation_size (heap + TOAST + every index, over all
 * partitions) is divided by the rows added. The device-event month is also archived, for the
 * compression ratio of the archive. Prints Markdown for BENCHMARKS.md.
 *
 *   cd server && node -r ./test-support/ts-register.js test-support/row-sizes/measure.ts [N]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { buildExamples, newNonce } from '@arcgate/protocol';
import { AuditService } from '../../src/audit/audit.service';
import { AuthorizationService } from '../../src/authorization/authorization.service';
import { activeCode, approvedPermit, at9, bindNewChip } from '../../src/authorization/testing/arm-test-kit';
import { FakeClock } from '../../src/common/clock/clock';
import { cst, demoIds, STEEL_SITE } from '../../src/permits/testing/permit-fixtures';
import { EventArchiver } from '../../src/telemetry/archive/event-archiver';
import { TelemetryRepository } from '../../src/telemetry/telemetry.repository';
import { TelemetryRules } from '../../src/telemetry/telemetry-rules';
import globalSetup from '../global-setup';
import globalTeardown from '../global-teardown';
import { createTestApp, TestApp } from '../test-app';

const N = Number(process.argv[2] ?? 200_000);
const MONTH = { year: 2026, month: 1 };

/** Tables measured, and the tables whose size is summed into each (partitioned ones over all partitions). */
const TABLES = ['device_events', 'device_event_seqs', 'arcs', 'decisions', 'grants', 'audit_log', 'alerts'];

async function size(t: TestApp, table: string): Promise<number> {
  const [r] = await t.ds.query<{ bytes: string }[]>(
    `SELECT coalesce((SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree($1::regclass)),
                     pg_total_relation_size($1::regclass))::text AS bytes`,
    [table],
  );
  return Number(r.bytes);
}
const count = async (t: TestApp, table: string) =>
  Number((await t.ds.query<{ n: string }[]>(`SELECT count(*)::text AS n FROM ${table}`))[0].n);

async function realSample(t: TestApp, clock: FakeClock): Promise<void> {
  const ids = await demoIds(t.ds);
  const permit = await approvedPermit(t, clock, ids);
  const { chip } = await bindNewChip(t, ids.steelMachine1);
  const code = await activeCode(t, ids.zhang);
  clock.set(at9());
  const decisions = t.app.get(AuthorizationService);
  for (let i = 0; i < 20; i++) {
    const at = clock.now();
    await decisions.decide({
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
    clock.advance(60_000);
  }
  // The protocol's example batch: every event type a device sends, with its real fields.
  const examples = buildExamples().events.body.events;
  const t0 = Date.parse(cst(5, '10:00'));
  const events = examples.map((e, i) => ({ ...e, seq: i + 1, at: new Date(t0 + i * 1000).toISOString() }));
  const flushed = await t.app.get(TelemetryRepository).store([
    {
      chipId: chip,
      machineId: ids.steelMachine1,
      enterpriseId: ids.steel,
      envelopeId: randomUUID(),
      events: events,
      receivedAt: clock.now(),
    },
  ]);
  // The alert rules on those events, as the ingest runs them (arc without grant, over-current, …).
  await t.app.get(TelemetryRules).apply(flushed.stored);
}

/** Grows each table to about N rows shaped like its real rows: fresh keys, times spread over the month. */
async function grow(t: TestApp, table: string, n: number): Promise<void> {
  // The real rows, numbered (heartbeats first: they are most of the raw events, one per 30 s while a machine is on).
  await t.ds.query(`DROP TABLE IF EXISTS sample`);
  const order = table === 'device_events' ? `ORDER BY (type = 'heartbeat') DESC, seq` : '';
  await t.ds.query(`CREATE TEMP TABLE sample AS SELECT *, (row_number() OVER (${order}) - 1)::int AS k FROM ${table}`);
  const k = (await t.ds.query<{ n: number }[]>(`SELECT count(*)::int AS n FROM sample`))[0].n;
  const spread = `timestamptz '2026-01-01T00:00:00Z' + (g * interval '1 second') * (2600000.0 / ${n})`;
  const sql: Record<string, string> = {
    // Heartbeats dominate the raw events (one per 30 s while the agent runs); the mix follows that.
    device_events: `INSERT INTO device_events (chip_id, seq, type, occurred_at, received_at, machine_id, grant_id, payload)
      SELECT 'CHIP' || lpad((g % 20000)::text, 8, '0'), 1000000 + g, s.type, ${spread}, ${spread} + interval '800 ms',
             gen_random_uuid(), CASE WHEN s.grant_id IS NOT NULL THEN gen_random_uuid()::text END, s.payload
        FROM generate_series(1, ${n}) g
        JOIN sample s ON s.k = CASE WHEN g % 10 < 7 THEN 0 ELSE 1 + g % (${k} - 1) END`,
    device_event_seqs: `INSERT INTO device_event_seqs (chip_id, seq)
      SELECT 'CHIP' || lpad((g % 20000)::text, 8, '0'), 1000000 + g FROM generate_series(1, ${n}) g`,
    arcs: `INSERT INTO arcs (chip_id, stop_seq, machine_id, grant_id, welder_id, permit_id, started_at, ended_at, duration_ms,
                             current_stats, voltage_stats, samples, sample_rate_hz, authorized, flags, interrupted)
      SELECT 'CHIP' || lpad((g % 20000)::text, 8, '0'), 1000000 + g, gen_random_uuid(), gen_random_uuid()::text, gen_random_uuid(),
             gen_random_uuid(), ${spread}, ${spread} + interval '95 s', a.duration_ms, a.current_stats, a.voltage_stats,
             a.samples, a.sample_rate_hz, true, a.flags, a.interrupted
        FROM generate_series(1, ${n}) g JOIN sample a ON a.k = g % ${k}`,
    decisions: `INSERT INTO decisions (id, at, source, chip_id, machine_id, enterprise_id, region_path, welder_id, permit_id, allowed,
                                       reason, request_id, nonce, position, grant_id, latency_ms)
      SELECT gen_random_uuid(), ${spread}, d.source, 'CHIP' || lpad((g % 20000)::text, 8, '0'), gen_random_uuid(), gen_random_uuid(),
             d.region_path, gen_random_uuid(), gen_random_uuid(), d.allowed, d.reason, gen_random_uuid()::text,
             substr(md5(g::text) || md5((g + 1)::text), 1, length(d.nonce)), d.position, gen_random_uuid(), d.latency_ms
        FROM generate_series(1, ${n}) g JOIN sample d ON d.k = g % ${k}`,
    grants: `INSERT INTO grants SELECT (jsonb_populate_record(NULL::grants,
               (to_jsonb(x) - 'k') || jsonb_build_object('grant_id', gen_random_uuid(), 'decision_id', gen_random_uuid(),
                 'chip_id', 'CHIP' || lpad((g % 20000)::text, 8, '0'), 'request_id', gen_random_uuid()::text,
                 'nonce', substr(md5(g::text) || md5((g + 1)::text), 1, length(x.nonce))))).*
        FROM generate_series(1, ${n}) g JOIN sample x ON x.k = g % ${k}`,
    audit_log: `INSERT INTO audit_log (occurred_at, actor_user_id, actor_role, action, entity_type, entity_id, enterprise_id,
                                       region_path, before, after, prev_hash, hash)
      SELECT ${spread}, a.actor_user_id, a.actor_role, a.action, a.entity_type, gen_random_uuid()::text, a.enterprise_id,
             a.region_path, a.before, a.after, md5(g::text) || md5((g + 7)::text), md5((g + 1)::text) || md5((g + 3)::text)
        FROM generate_series(1, ${n}) g JOIN sample a ON a.k = g % ${k}`,
    alerts: `INSERT INTO alerts (type, severity, state, enterprise_id, region_path, machine_id, welder_id, permit_id, chip_id, evidence,
                                 last_evidence, dedupe_key, count, first_seen_at, last_seen_at, created_at, updated_at)
      SELECT a.type, a.severity, a.state, a.enterprise_id, a.region_path, gen_random_uuid(), a.welder_id, a.permit_id,
             'CHIP' || lpad((g % 20000)::text, 8, '0'), a.evidence, a.last_evidence, a.dedupe_key || ':' || g, a.count,
             ${spread}, ${spread}, ${spread}, ${spread}
        FROM generate_series(1, ${n}) g JOIN sample a ON a.k = g % ${k}`,
  };
  await t.ds.query(sql[table]);
}

async function main(): Promise<void> {
  await globalSetup();
  const clock = new FakeClock(new Date(cst(5, '08:00')));
  const t = await createTestApp({ clock });
  const dir = mkdtempSync(join(tmpdir(), 'arcgate-sizes-'));
  try {
    await t.ds.query(
      `CREATE TABLE IF NOT EXISTS device_events_202601 PARTITION OF device_events FOR VALUES FROM ('2026-01-01Z') TO ('2026-02-01Z')`,
    );
    await realSample(t, clock);
    const lines: string[] = [];
    const per: Record<string, number> = {};
    for (const table of TABLES) {
      const sample = await count(t, table);
      if (!sample) throw new Error(`no real ${table} row to shape the sample on`);
      const before = await size(t, table);
      const started = Date.now();
      await grow(t, table, N);
      await t.ds.query(`ANALYZE ${table}`);
      const added = (await count(t, table)) - sample;
      const bytes = (await size(t, table)) - before;
      per[table] = bytes / added;
      lines.push(
        `| ${table} | ${sample} | ${added.toLocaleString('en')} | ${(bytes / 1048576).toFixed(1)} MiB | ${per[table].toFixed(0)} | ${Date.now() - started} ms |`,
      );
    }
    const archiver = new EventArchiver(t.ds, t.app.get(AuditService), clock, { dir, retentionMonths: 13 });
    clock.set('2027-03-01T00:00:00Z');
    const monthRows = await archiver.liveRows(MONTH);
    const started = Date.now();
    const [archived] = await archiver.runDue();
    const archiveMs = Date.now() - started;
    const entry = (await archiver.catalogue())[0];
    console.log(
      `\nMachine: ${cpus().length} × ${cpus()[0]?.model}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM; N = ${N}`,
    );
    console.log(`| table | real rows (sample) | rows added | size added | bytes/row | generation |`);
    console.log(`|---|---:|---:|---:|---:|---:|`);
    for (const l of lines) console.log(l);
    console.log(
      `\nArchive of ${monthRows} device_events rows (${JSON.stringify(archived)}): ${entry.bytes} bytes gzip = ${(entry.bytes / entry.rows).toFixed(1)} bytes/row, ${archiveMs} ms (${Math.round(entry.rows / (archiveMs / 1000))} rows/s)`,
    );
    console.log(`PER_ROW=${JSON.stringify({ ...per, archive: entry.bytes / entry.rows })}`);
  } finally {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
    await globalTeardown();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
