import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive, processStartTime } from './processes';

/**
 * Which process started the running postmaster: DATADIR/arcgate-owner.json. A postmaster whose
 * owner is alive serves a running server (a CLI like `npm run migrate` then shares it); one whose
 * owner is gone is an orphan of a crash, and is restarted.
 */
interface Owner {
  pid: number;
  startTime: string | null;
  postmasterPid: number;
}

const FILE = 'arcgate-owner.json';

export function writeOwner(dataDir: string, postmasterPid: number): void {
  const owner: Owner = { pid: process.pid, startTime: processStartTime(process.pid), postmasterPid };
  writeFileSync(join(dataDir, FILE), JSON.stringify(owner), { mode: 0o644 });
}

export function clearOwner(dataDir: string): void {
  rmSync(join(dataDir, FILE), { force: true });
}

/** The owner of `postmasterPid`, when that owner still runs (the same process, not a reused pid). */
export function liveOwnerOf(dataDir: string, postmasterPid: number): number | null {
  let owner: Owner;
  try {
    owner = JSON.parse(readFileSync(join(dataDir, FILE), 'utf8')) as Owner;
  } catch {
    return null;
  }
  if (owner.postmasterPid !== postmasterPid || owner.pid === process.pid || !isAlive(owner.pid)) return null;
  return owner.startTime === null || processStartTime(owner.pid) === owner.startTime ? owner.pid : null;
}
