// Writes a brotli (.br) and a gzip (.gz) twin next to every text file of the build, so the server
// sends compressed bytes without compressing per request (server/src/web/precompressed.ts picks one).
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin } from 'vite';

const COMPRESSIBLE = /\.(js|mjs|css|svg|json|txt)$/i;
/** Below this the headers cost more than compression saves. */
const MIN_BYTES = 1024;
const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

async function* filesUnder(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else if (entry.isFile()) yield path;
  }
}

async function compressFile(path: string): Promise<{ raw: number; br: number; gz: number } | null> {
  const raw = await readFile(path);
  if (raw.length < MIN_BYTES) return null;
  const [br, gz] = await Promise.all([
    brotli(raw, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: raw.length,
      },
    }),
    gzipAsync(raw, { level: constants.Z_BEST_COMPRESSION }),
  ]);
  // A twin that is not smaller is not written: the server then sends the file as it is.
  if (br.length < raw.length) await writeFile(`${path}.br`, br);
  if (gz.length < raw.length) await writeFile(`${path}.gz`, gz);
  return { raw: raw.length, br: br.length, gz: gz.length };
}

export function precompress(): Plugin {
  let outDir = '';
  let log: (msg: string) => void = () => undefined;
  return {
    name: 'arcgate-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
      log = (msg) => config.logger.info(msg);
    },
    async closeBundle() {
      const jobs: Promise<{ raw: number; br: number; gz: number } | null>[] = [];
      for await (const path of filesUnder(outDir)) if (COMPRESSIBLE.test(path)) jobs.push(compressFile(path));
      const done = (await Promise.all(jobs)).filter((r) => r !== null);
      const sum = (k: 'raw' | 'br' | 'gz') => Math.round(done.reduce((n, r) => n + r[k], 0) / 1024);
      log(`precompressed ${done.length} files: ${sum('raw')} KiB → brotli ${sum('br')} KiB, gzip ${sum('gz')} KiB`);
    },
  };
}
