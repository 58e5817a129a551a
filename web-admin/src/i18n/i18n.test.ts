import { describe, expect, it } from 'vitest';
import zh from './zh-CN.json';
import en from './en.json';

type Tree = { [k: string]: string | Tree };

function leafKeys(t: Tree, prefix = ''): string[] {
  return Object.entries(t).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : leafKeys(v, `${prefix}${k}.`)));
}

function placeholders(s: string): string[] {
  return [...s.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]).sort();
}

describe('translations', () => {
  it('have the same keys in Chinese and English', () => {
    expect(leafKeys(en as Tree).sort()).toEqual(leafKeys(zh as Tree).sort());
  });

  it('use the same interpolation variables in both languages', () => {
    const get = (t: Tree, key: string) => key.split('.').reduce<string | Tree>((n, k) => (n as Tree)[k], t) as string;
    for (const key of leafKeys(zh)) {
      expect({ key, vars: placeholders(get(en as Tree, key)) }).toEqual({
        key,
        vars: placeholders(get(zh as Tree, key)),
      });
    }
  });
});
