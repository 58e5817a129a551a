import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Every module reachable from `file` through its imports, with what each imports from outside. */
function reachable(file: string, seen = new Map<string, string[]>()): Map<string, string[]> {
  if (seen.has(file)) return seen;
  const outside: string[] = [];
  seen.set(file, outside);
  const text = readFileSync(join(__dirname, file), 'utf8');
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*from\s+'([^']+)'/g)) {
    if (m[1].startsWith('./')) reachable(`${m[1].slice(2)}.ts`, seen);
    else outside.push(m[1]);
  }
  return seen;
}

describe('browser entry', () => {
  it('reaches only dependency-free modules', () => {
    const modules = reachable('browser.ts');
    expect([...modules.keys()].sort()).toEqual([
      'browser.ts',
      'chip-label-shape.ts',
      'identifiers.ts',
      'identity-code.ts',
    ]);
    expect([...modules.values()].flat()).toEqual([]);
  });

  it('would notice a Node import', () => {
    expect([...reachable('crypto.ts').values()].flat()).toContain('node:crypto');
  });
});
