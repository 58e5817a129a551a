import { backupFileName } from './backup-format';
import { parseBackupArgs, parseRestoreArgs } from './cli-args';

describe('backup command line', () => {
  it('takes an optional --dir', () => {
    expect(parseBackupArgs([])).toEqual({});
    expect(parseBackupArgs(['--dir', '/b'])).toEqual({ dir: '/b' });
    expect(parseBackupArgs(['--dir=/b'])).toEqual({ dir: '/b' });
    expect(() => parseBackupArgs(['--dir'])).toThrow('--dir needs a directory');
    expect(() => parseBackupArgs(['x'])).toThrow('Unknown argument "x"; usage: npm run backup -- [--dir DIR]');
  });

  it('names backups by their UTC time', () => {
    expect(backupFileName(new Date('2026-12-05T22:41:16.123Z'))).toBe('arcgate-20261205T224116Z.backup.gz');
  });
});

describe('restore command line', () => {
  it('takes one file and an optional --force', () => {
    expect(parseRestoreArgs(['b.gz'])).toEqual({ file: 'b.gz', force: false });
    expect(parseRestoreArgs(['--force', 'b.gz'])).toEqual({ file: 'b.gz', force: true });
  });

  it('says what is missing or wrong', () => {
    expect(() => parseRestoreArgs([])).toThrow('Name the backup file');
    expect(() => parseRestoreArgs(['a', 'b'])).toThrow('One backup file at a time (got a and b)');
    expect(() => parseRestoreArgs(['--yes', 'a'])).toThrow('Unknown option --yes');
  });
});
