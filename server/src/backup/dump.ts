import { once } from 'node:events';
import { createWriteStream, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import { createGzip } from 'node:zlib';
import { Client } from 'pg';
import {
  BACKUP_FORMAT,
  BACKUP_FORMAT_VERSION,
  BackupHeader,
  ControlLine,
  KeyFingerprints,
  quoteIdent,
} from './backup-format';

export interface DumpResult {
  file: string;
  rows: Record<string, number>;
}

const FETCH = 2000;

/**
 * Writes a consistent backup of the database at `url` (one REPEATABLE READ snapshot, as pg_dump
 * takes) to `file`, via a temporary name so that a failed run leaves no half file behind.
 */
export async function dumpDatabase(url: string, file: string, keys: KeyFingerprints): Promise<DumpResult> {
  mkdirSync(dirname(file), { recursive: true });
  const partial = `${file}.partial`;
  const lines = new PassThrough();
  const written = pipeline(lines, createGzip(), createWriteStream(partial, { mode: 0o600 }));
  const write = async (line: string) => {
    if (!lines.write(`${line}\n`)) await once(lines, 'drain');
  };
  const client = new Client({ connectionString: url });
  const rows: Record<string, number> = {};
  try {
    await client.connect();
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await write(JSON.stringify(await header(client, keys)));
    const tables = await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY c.relname`,
    );
    for (const { name } of tables.rows) {
      const cols = await client.query<{ name: string }>(
        `SELECT attname AS name FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
        [quoteIdent(name)],
      );
      const columns = cols.rows.map((c) => c.name);
      await write(JSON.stringify({ table: name, columns } satisfies ControlLine));
      await client.query(
        `DECLARE rows NO SCROLL CURSOR FOR SELECT row_to_json(t)::text AS r FROM (SELECT ${columns.map(quoteIdent).join(', ')} FROM ${quoteIdent(name)}) t`,
      );
      let n = 0;
      for (;;) {
        const batch = await client.query<{ r: string }>(`FETCH ${FETCH} FROM rows`);
        for (const { r } of batch.rows) await write(JSON.stringify(r));
        n += batch.rows.length;
        if (batch.rows.length < FETCH) break;
      }
      await client.query('CLOSE rows');
      await write(JSON.stringify({ end: name, rows: n } satisfies ControlLine));
      rows[name] = n;
    }
    await client.query('COMMIT');
    lines.end();
    await written;
    renameSync(partial, file);
    return { file, rows };
  } catch (e) {
    lines.destroy();
    await written.catch(() => undefined);
    rmSync(partial, { force: true });
    throw e;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function header(client: Client, keys: KeyFingerprints): Promise<BackupHeader> {
  const info = await client.query<{ version: string; db: string }>(
    `SELECT current_setting('server_version') AS version, current_database() AS db`,
  );
  const hasMigrations = await client.query(
    `SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = 'migrations'`,
  );
  if (hasMigrations.rowCount === 0)
    throw new Error(`Database ${info.rows[0].db} has no ArcGate schema (no migrations table): nothing to back up`);
  const migrations = await client.query<{ name: string }>('SELECT name FROM migrations ORDER BY id');
  const partitions = await client.query<{ name: string; parent: string; bound: string }>(
    `SELECT c.relname AS name, p.relname AS parent, pg_get_expr(c.relpartbound, c.oid) AS bound
       FROM pg_class c JOIN pg_inherits i ON i.inhrelid = c.oid JOIN pg_class p ON p.oid = i.inhparent
      WHERE c.relispartition AND c.relkind IN ('r', 'p') AND c.relnamespace = 'public'::regnamespace ORDER BY c.relname`,
  );
  const sequences = await client.query<{ name: string; lastValue: string | null }>(
    `SELECT sequencename AS name, last_value::text AS "lastValue" FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename`,
  );
  return {
    format: BACKUP_FORMAT,
    formatVersion: BACKUP_FORMAT_VERSION,
    createdAt: new Date().toISOString(),
    serverVersion: info.rows[0].version,
    database: info.rows[0].db,
    migrations: migrations.rows.map((m) => m.name),
    partitions: partitions.rows,
    sequences: sequences.rows,
    keys,
  };
}
