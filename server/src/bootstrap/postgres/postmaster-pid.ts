import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What PostgreSQL writes into DATADIR/postmaster.pid (one item per line; see pidfile.h). */
export interface PostmasterPid {
  pid: number;
  dataDir: string;
  port: number;
  /** First entry of unix_socket_directories, empty when there is no socket. */
  socketDir: string;
  /** "starting", "ready", "stopping", "standby"; empty while the postmaster has not written it yet. */
  status: string;
}

export function parsePostmasterPid(text: string): PostmasterPid | null {
  const lines = text.split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !Number.isInteger(port)) return null;
  return { pid, dataDir: lines[1] ?? '', port, socketDir: (lines[4] ?? '').trim(), status: (lines[7] ?? '').trim() };
}

/** null when there is no lock file (or it is unreadable garbage, which a start then replaces). */
export function readPostmasterPid(dataDir: string): PostmasterPid | null {
  try {
    return parsePostmasterPid(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}
