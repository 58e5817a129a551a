import { describe, expect, it } from 'vitest';
import recordsEn from './records.en.json';
import recordsZh from './records.zh-CN.json';
import { TREES, type Tree } from './strict-t';

const leafKeys = (t: Tree, prefix = ''): string[] =>
  Object.entries(t).flatMap(([k, v]) => (typeof v === 'string' ? [prefix + k] : leafKeys(v, `${prefix}${k}.`)));
const vars = (s: string) => [...s.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]).sort();
const get = (t: Tree, key: string) => key.split('.').reduce<string | Tree>((n, k) => (n as Tree)[k], t) as string;

describe('record labels (records.*.json)', () => {
  it('have the same keys and variables in Chinese and English', () => {
    expect(leafKeys(recordsEn as Tree).sort()).toEqual(leafKeys(recordsZh as Tree).sort());
    for (const key of leafKeys(recordsZh))
      expect({ key, vars: vars(get(recordsEn as Tree, key)) }).toEqual({
        key,
        vars: vars(get(recordsZh as Tree, key)),
      });
  });

  it('live under their own top-level key, so they never shadow the screens’ text', () => {
    expect(Object.keys(recordsZh)).toEqual(['records']);
    expect(Object.keys(TREES['zh-CN'])).toContain('alertEvidence');
  });
});
