import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { open, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Readable, Transform, TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { EventMonth, formatMonth } from './archive-months';

/** The columns of device_events an archive holds, in file order (PostgreSQL COPY text format). */
export const ARCHIVE_COLUMNS = [
  'chip_id',
  'seq',
  'type',
  'occurred_at',
  'received_at',
  'machine_id',
  'grant_id',
  'payload',
] as const;
export const ARCHIVE_FORMAT = 'arcgate-device-events/1';

/** What a verified archive file holds: rows (COPY text: one line per row) and the SHA-256 of the uncompressed data. */
export interface ArchiveDigest {
  rows: number;
  sha256: string;
  /** Size of the compressed file. */
  bytes: number;
}

/** The manifest beside each file, for a person or a restore elsewhere; the database's catalogue is the authority. */
export interface ArchiveManifest extends ArchiveDigest {
  format: typeof ARCHIVE_FORMAT;
  month: string;
  generation: number;
  file: string;
  columns: readonly string[];
  from: string;
  to: string;
  archivedAt: string;
}

export function archiveFileName(m: EventMonth, generation: number): string {
  return `device-events-${formatMonth(m)}.g${generation}.tsv.gz`;
}

export function manifestFileName(file: string): string {
  return file.replace(/\.tsv\.gz$/, '.json');
}

/** Counts lines and hashes the bytes passing through, unchanged. */
class Digest extends Transform {
  rows = 0;
  private readonly hash = createHash('sha256');
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) this.rows++;
    done(null, chunk);
  }
  digest(): string {
    return this.hash.digest('hex');
  }
}

async function fsyncPath(path: string, flags: 'r' | 'r+'): Promise<void> {
  const h = await open(path, flags);
  try {
    await h.sync();
  } finally {
    await h.close();
  }
}

/**
 * Streams `source` (COPY text rows) through a digest and gzip into `dir/file`: written under a
 * temporary name, fsync'd, renamed, and the directory fsync'd, so that the file either exists whole
 * and durable or not at all. Memory stays flat whatever the month's size.
 */
export async function writeArchiveFile(source: Readable, dir: string, file: string): Promise<ArchiveDigest> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, file);
  const partial = `${path}.partial`;
  const digest = new Digest();
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _e, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(source, digest, createGzip(), counter, createWriteStream(partial, { mode: 0o600 }));
    await fsyncPath(partial, 'r+');
    await rename(partial, path);
    await fsyncPath(dirname(path), 'r');
  } catch (e) {
    rmSync(partial, { force: true });
    throw e;
  }
  return { rows: digest.rows, sha256: digest.digest(), bytes };
}

/** Re-reads a file from disk and digests its uncompressed data; optionally forwards that data to `sink`. */
export async function readArchiveFile(path: string, sink?: Writable): Promise<ArchiveDigest> {
  const digest = new Digest();
  let bytes = 0;
  const input = createReadStream(path);
  input.on('data', (c: Buffer | string) => {
    bytes += c.length;
  });
  const out =
    sink ??
    new Writable({
      write(_c, _e, done) {
        done();
      },
    });
  await pipeline(input, createGunzip(), digest, out);
  return { rows: digest.rows, sha256: digest.digest(), bytes };
}

/** Writes the manifest durably (temporary name, fsync, rename). */
export async function writeManifest(dir: string, manifest: ArchiveManifest): Promise<void> {
  const path = join(dir, manifestFileName(manifest.file));
  const partial = `${path}.partial`;
  await writeFile(partial, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  await fsyncPath(partial, 'r+');
  await rename(partial, path);
  await fsyncPath(dir, 'r');
}

/** Removes the month's files other than `keep` (superseded generations, a write that never reached the catalogue). */
export function removeOtherFiles(dir: string, m: EventMonth, keep: string | null): string[] {
  const prefix = `device-events-${formatMonth(m)}.`;
  const keepManifest = keep ? manifestFileName(keep) : null;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const removed = names.filter((n) => n.startsWith(prefix) && n !== keep && n !== keepManifest);
  for (const n of removed) rmSync(join(dir, n), { force: true });
  return removed;
}
