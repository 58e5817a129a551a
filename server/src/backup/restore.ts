import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source';
import { MIGRATIONS } from '../database/migrations';
import { BackupHeader, ControlLine, parseHeader, quoteIdent } from './backup-format';

export interface RestoreResult {
  header: BackupHeader;
  rows: Record<string, number>;
}

const BATCH = 1000;

/**
 * Restores `file` into the database at `url`: the schema from the migrations the backup names,
 * then every row, sequence and partition, in one transaction. A database that already holds tables
 * is only replaced with `force`.
 */
export async function restoreDatabase(
  url: string,
  file: string,
  opts: { force?: boolean } = {},
): Promise<RestoreResult> {
  const lines = createInterface({ input: createReadStream(file).pipe(createGunzip()), crlfDelay: Infinity })[
    Symbol.asyncIterator
  ]();
  const first = await lines.next().catch((e: unknown) => {
    throw new Error(`${file} could not be read as a gzip-compressed ArcGate backup: ${(e as Error).message}`);
  });
  const header = parseHeader(first.done ? undefined : first.value, file);
  const byName = new Map(MIGRATIONS.map((m) => [new m().name ?? m.name, m]));
  const unknown = header.migrations.filter((n) => !byName.has(n));
  if (unknown.length)
    throw new Error(
      `${file} was made by a newer ArcGate (migrations ${unknown.join(', ')} are unknown here); restore it with that version`,
    );

  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const existing = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM pg_tables WHERE schemaname = 'public'`,
    );
    if (Number(existing.rows[0].n) > 0) {
      if (!opts.force)
        throw new Error(
          `The target database already holds ${existing.rows[0].n} tables; restoring replaces all of it: run again with --force to confirm`,
        );
      await client.query('DROP SCHEMA public CASCADE; CREATE SCHEMA public; GRANT USAGE ON SCHEMA public TO PUBLIC');
    }
    await migrateTo(
      url,
      header.migrations.map((n) => byName.get(n)!),
    );

    await client.query('BEGIN');
    // Rows go in as they were: no foreign-key checks or triggers (the append-only audit trigger,
    // revocation triggers) on the way, as pg_restore does with --disable-triggers.
    await client.query('SET LOCAL session_replication_role = replica').catch((e: unknown) => {
      throw new Error(
        `Restoring needs a role that may set session_replication_role (a superuser, or GRANT SET ON PARAMETER session_replication_role): ${(e as Error).message}`,
      );
    });
    for (const p of header.partitions) {
      await client.query(
        `CREATE TABLE IF NOT EXISTS ${quoteIdent(p.name)} PARTITION OF ${quoteIdent(p.parent)} ${p.bound}`,
      );
    }
    const tables = await client.query<{ name: string }>(
      `SELECT relname AS name FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p') AND NOT relispartition`,
    );
    if (tables.rows.length) await client.query(`TRUNCATE ${tables.rows.map((t) => quoteIdent(t.name)).join(', ')}`);
    const rows = await loadRows(client, lines, file);
    for (const s of header.sequences) {
      if (s.lastValue !== null)
        await client.query('SELECT setval($1::regclass, $2::bigint, true)', [quoteIdent(s.name), s.lastValue]);
    }
    await client.query('COMMIT');
    return { header, rows };
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function migrateTo(url: string, migrations: (typeof MIGRATIONS)[number][]): Promise<void> {
  const ds = new DataSource({ ...dataSourceOptions(url), migrations });
  await ds.initialize();
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await ds.destroy();
  }
}

async function loadRows(client: Client, lines: AsyncIterator<string>, file: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  let table: { name: string; columns: string[] } | null = null;
  let batch: string[] = [];
  let loaded = 0;
  const flush = async () => {
    if (!table || batch.length === 0) return;
    const cols = table.columns.map(quoteIdent).join(', ');
    await client.query(
      `INSERT INTO ${quoteIdent(table.name)} (${cols}) OVERRIDING SYSTEM VALUE SELECT ${cols} FROM json_populate_recordset(NULL::${quoteIdent(table.name)}, $1::json)`,
      [`[${batch.join(',')}]`],
    );
    loaded += batch.length;
    batch = [];
  };
  for (let r = await lines.next(); !r.done; r = await lines.next()) {
    const line = r.value;
    if (line.startsWith('"')) {
      if (!table) throw new Error(`${file} is damaged: a row outside any table`);
      batch.push(JSON.parse(line) as string);
      if (batch.length >= BATCH) await flush();
      continue;
    }
    if (!line) continue;
    const control = JSON.parse(line) as ControlLine;
    if ('table' in control) {
      table = { name: control.table, columns: control.columns };
      loaded = 0;
    } else {
      await flush();
      if (!table || control.end !== table.name || loaded !== control.rows)
        throw new Error(`${file} is damaged: table ${control.end} should have ${control.rows} rows, read ${loaded}`);
      counts[table.name] = loaded;
      table = null;
    }
  }
  if (table) throw new Error(`${file} is truncated: it ends inside table ${table.name}`);
  return counts;
}
