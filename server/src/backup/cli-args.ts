/** `npm run backup -- [--dir DIR]` */
export function parseBackupArgs(argv: string[]): { dir?: string } {
  const out: { dir?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dir' || a.startsWith('--dir=')) {
      const v = a === '--dir' ? argv[++i] : a.slice('--dir='.length);
      if (!v) throw new Error('--dir needs a directory: npm run backup -- --dir /path/to/backups');
      out.dir = v;
    } else {
      throw new Error(`Unknown argument ${JSON.stringify(a)}; usage: npm run backup -- [--dir DIR]`);
    }
  }
  return out;
}

/** `npm run restore -- FILE [--force]` */
export function parseRestoreArgs(argv: string[]): { file: string; force: boolean } {
  let file: string | undefined;
  let force = false;
  for (const a of argv) {
    if (a === '--force') force = true;
    else if (a.startsWith('-')) throw new Error(`Unknown option ${a}; usage: npm run restore -- FILE [--force]`);
    else if (file) throw new Error(`One backup file at a time (got ${file} and ${a})`);
    else file = a;
  }
  if (!file)
    throw new Error('Name the backup file: npm run restore -- .data/backups/arcgate-<time>.backup.gz [--force]');
  return { file, force };
}
