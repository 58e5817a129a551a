import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { AuditEntry } from '../../audit/audit-entry.entity';
import { AuditService } from '../../audit/audit.service';
import { resolveInfrastructure } from '../../bootstrap/infrastructure';
import { OffsetFileClock, SystemClock } from '../../common/clock/clock';
import { armFaultPoints } from '../../common/fault/fault-points';
import { describeError } from '../../common/errors/describe-error';
import { dataSourceOptions } from '../../database/data-source';
import { parseArchiveArgs } from './archive-cli-args';
import { formatMonth, isDue, monthOfPartition } from './archive-months';
import { DEFAULT_EVENT_RETENTION_MONTHS, EventArchiver } from './event-archiver';

/**
 * `npm run archive -- list | run | restore YYYY-MM`: the retention of raw device events by hand.
 * The server runs `run` hourly by itself; this works on the same database and directory
 * (EVENT_RETENTION_MONTHS, EVENT_ARCHIVE_DIR) and may run beside it (one at a time, by advisory lock).
 */
async function main(): Promise<void> {
  const cmd = parseArchiveArgs(process.argv.slice(2));
  const infra = await resolveInfrastructure(process.env, { startBroker: false });
  const ds = new DataSource(dataSourceOptions(infra.config.databaseUrl, [AuditEntry]));
  try {
    await ds.initialize();
    // Test hooks, refused in production by the configuration: crash points and a shifted clock.
    armFaultPoints(infra.config.faultPoints);
    const clock = infra.config.clockOffsetFile ? new OffsetFileClock(infra.config.clockOffsetFile) : new SystemClock();
    const archiver = new EventArchiver(ds, new AuditService(clock), clock, {
      dir: infra.config.eventArchive!.dir,
      retentionMonths: infra.config.eventArchive?.retentionMonths ?? DEFAULT_EVENT_RETENTION_MONTHS,
    });
    const { dir, retentionMonths } = archiver.options;
    if (cmd.command === 'list') {
      console.log(`Archive directory ${dir}; retention ${retentionMonths} months`);
      for (const e of await archiver.catalogue())
        console.log(
          `${formatMonth(e.month)}  ${e.droppedAt ? 'archived' : 'restored'}  ${e.rows} rows  ${e.file}  sha256 ${e.sha256}` +
            (e.restoredAt ? `  restored ${e.restoredAt.toISOString()}` : ''),
        );
      const parts: { name: string; estimate: number }[] = await ds.query(
        `SELECT c.relname AS name, greatest(c.reltuples, 0)::float8 AS estimate FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = 'device_events'::regclass ORDER BY c.relname`,
      );
      for (const p of parts) {
        const m = monthOfPartition(p.name);
        if (!m) continue;
        const due = isDue(m, clock.now(), retentionMonths) ? '  due' : '';
        console.log(`${formatMonth(m)}  in database  ~${p.estimate} rows${due}`);
      }
      return;
    }
    if (cmd.command === 'run') {
      const out = await archiver.runDue();
      if (!out.length) console.log('Nothing due');
      for (const r of out)
        console.log(
          r.outcome === 'archived'
            ? `${r.month}: archived ${r.rows} rows to ${r.file}, dropped`
            : `${r.month}: ${r.outcome}`,
        );
      return;
    }
    const r = await archiver.restoreMonth(cmd.month);
    console.log(
      `${r.month}: ${r.inserted} of ${r.rows} archived rows restored (the others were in the database already). ` +
        'The hourly job archives the month again 30 days from now.',
    );
  } finally {
    if (ds.isInitialized) await ds.destroy();
    await infra.stop();
  }
}

main().catch((e) => {
  console.error(`Archive failed: ${describeError(e)}`);
  process.exit(1);
});
