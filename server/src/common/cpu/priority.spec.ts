import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { autogroupEnabled as autogroupOn, lowerAutogroupPriority, lowerBackendPriority } from './priority';

const groupOf = (pid: number | 'self') => readFileSync(`/proc/${pid}/autogroup`, 'utf8').split(' ')[0];
const linux = process.platform === 'linux';

describe('CPU priority helpers', () => {
  it('refuses a pid that is not a local postgres backend (a remote database’s pid means nothing here)', () => {
    expect(lowerBackendPriority(undefined)).toBe(false);
    expect(lowerBackendPriority(process.pid)).toBe(false); // node, not postgres: left alone
    expect(lowerBackendPriority(2 ** 22 + 1)).toBe(false); // past pid_max: no such process
  });

  (linux ? it : it.skip)('lowers the weight of a detached child’s own scheduling group, not of this one', async () => {
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    try {
      await new Promise((r) => child.once('spawn', r));
      const pid = child.pid!;
      const mine = autogroupOn() ? readFileSync('/proc/self/autogroup', 'utf8') : '';
      const lowered = lowerAutogroupPriority(pid, 10);
      expect(lowered).toBe(autogroupOn());
      if (autogroupOn()) {
        expect(readFileSync(`/proc/${pid}/autogroup`, 'utf8')).toMatch(/ nice 10\n?$/);
        expect(groupOf(pid)).not.toBe(groupOf('self'));
        expect(readFileSync('/proc/self/autogroup', 'utf8')).toBe(mine);
      }
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('leaves the group alone of a process that does not lead its session (this one’s, say)', () => {
    if (!linux) return;
    const session = Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[3]);
    // A test runner that leads its own session could not make this point without lowering itself.
    if (session === process.pid) return;
    const mine = autogroupOn() ? readFileSync('/proc/self/autogroup', 'utf8') : '';
    expect(lowerAutogroupPriority(process.pid, 10)).toBe(false);
    if (autogroupOn()) expect(readFileSync('/proc/self/autogroup', 'utf8')).toBe(mine);
  });

  it('does nothing for a process that does not exist', () => {
    expect(lowerAutogroupPriority(2 ** 22 + 1)).toBe(false);
  });
});
