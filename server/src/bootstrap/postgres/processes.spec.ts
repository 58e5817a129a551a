import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAlive, isPostmasterOf, processStartTime } from './processes';

describe('process probes used by crash recovery', () => {
  it('tells a live process from one that has exited', () => {
    expect(isAlive(process.pid)).toBe(true);
    const gone = spawnSync('true').pid;
    expect(isAlive(gone)).toBe(false);
  });

  it('reads a stable start time, so that a reused pid is not taken for the original', () => {
    const start = processStartTime(process.pid);
    if (process.platform === 'linux') expect(start).toMatch(/^\d+$/);
    expect(processStartTime(process.pid)).toBe(start);
  });

  it('takes a process for the postmaster of a directory only when that is its working directory', () => {
    if (process.platform !== 'linux') return;
    const other = mkdtempSync(`${tmpdir()}/arcgate-not-cwd-`);
    try {
      expect(isPostmasterOf(process.pid, process.cwd())).toBe(true);
      expect(isPostmasterOf(process.pid, other)).toBe(false);
    } finally {
      rmSync(other, { recursive: true });
    }
  });
});
