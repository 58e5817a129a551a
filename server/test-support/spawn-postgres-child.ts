import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export interface ChildDatabase {
  pid: number;
  port: number;
  url: string;
  watchdogPid: number;
  owned: boolean;
}

/** Runs test-support/embedded-postgres-child.ts in a separate Node process and waits for its report. */
export async function spawnPostgresChild(dataDir: string): Promise<{ child: ChildProcess; db: ChildDatabase }> {
  const child = spawn(
    process.execPath,
    ['-r', join(__dirname, 'swc-register.js'), join(__dirname, 'embedded-postgres-child.ts'), dataDir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const db = await new Promise<ChildDatabase>((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) resolve(JSON.parse(line) as ChildDatabase);
    });
    child.on('exit', (code) => reject(new Error(`child exited (${code}) before starting PostgreSQL: ${err}`)));
  });
  return { child, db };
}
