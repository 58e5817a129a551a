import { parsePostmasterPid } from './postmaster-pid';

describe('parsePostmasterPid', () => {
  it('reads pid, port, socket directory and status', () => {
    const text = '9703\n/tmp/repro/pg\n1765000000\n54391\n/tmp/repro/pg\n127.0.0.1\n  1234567     12\nready   \n';
    expect(parsePostmasterPid(text)).toEqual({
      pid: 9703,
      dataDir: '/tmp/repro/pg',
      port: 54391,
      socketDir: '/tmp/repro/pg',
      status: 'ready',
    });
  });

  it('accepts a file the postmaster is still writing (no status yet)', () => {
    expect(parsePostmasterPid('12\n/d\n1\n5432\n\n')).toEqual({
      pid: 12,
      dataDir: '/d',
      port: 5432,
      socketDir: '',
      status: '',
    });
  });

  it('rejects garbage (a truncated file after a crash)', () => {
    expect(parsePostmasterPid('')).toBeNull();
    expect(parsePostmasterPid('abc\n')).toBeNull();
    expect(parsePostmasterPid('-4\n/d\n1\n5432\n')).toBeNull();
  });
});
