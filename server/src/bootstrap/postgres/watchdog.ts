import { spawn } from 'node:child_process';
import { Socket } from 'node:net';

/**
 * The watchdog: a detached Node process holding the read end of a pipe from the server. When the
 * server dies, however it dies (SIGKILL included), the kernel closes the write end and the watchdog
 * reads end-of-file; it then stops the postmaster as `pg_ctl stop -m fast` would, escalating to
 * SIGQUIT and SIGKILL. Before signalling it checks that the pid is still the postmaster of this data
 * directory (cwd), so a reused pid is never hit. It exits by itself once the postmaster is gone.
 * Plain JavaScript run with `node -e`, so that it works the same from dist/ and from the TypeScript sources under jest.
 */
const WATCHDOG_SOURCE = String.raw`
const fs = require('fs');
const pid = Number(process.argv[1]);
const dir = process.argv[2];
const alive = () => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const ours = () => {
  try { return fs.realpathSync(fs.readlinkSync('/proc/' + pid + '/cwd')) === dir; } catch { return process.platform !== 'linux' && alive(); }
};
let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  if (!alive() || !ours()) process.exit(0);
  const steps = [['SIGINT', 30000], ['SIGQUIT', 5000], ['SIGKILL', 5000]];
  const next = (i) => {
    if (i >= steps.length) process.exit(1);
    try { process.kill(pid, steps[i][0]); } catch { process.exit(0); }
    const until = Date.now() + steps[i][1];
    const timer = setInterval(() => {
      if (!alive()) process.exit(0);
      if (Date.now() > until) { clearInterval(timer); next(i + 1); }
    }, 100);
  };
  next(0);
}
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.on('error', stop);
process.stdin.resume();
setInterval(() => { if (!alive()) process.exit(0); }, 1000);
`;

export interface Watchdog {
  pid: number;
  /** Lets the watchdog go after a clean stop (it finds the postmaster gone and exits). */
  release(): void;
}

/** Starts the watchdog for `postmasterPid`; `dataDir` must be the real path (the postmaster's cwd). */
export function watchPostmaster(postmasterPid: number, dataDir: string): Watchdog {
  const child = spawn(process.execPath, ['-e', WATCHDOG_SOURCE, String(postmasterPid), dataDir], {
    detached: true, // its own process group: a kill of the server's group must not take it along
    stdio: ['pipe', 'ignore', 'ignore'],
  });
  const pipe = child.stdin as Socket;
  pipe.on('error', () => undefined); // the watchdog gone first: nothing to tell it
  pipe.unref();
  child.unref();
  if (child.pid === undefined) throw new Error('could not start the PostgreSQL watchdog process');
  return { pid: child.pid, release: () => pipe.destroy() };
}
