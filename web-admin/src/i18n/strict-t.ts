// For tests: an i18next-like t over the app's resources that throws on a missing key, so a gap fails.
import en from './en.json';
import recordsEn from './records.en.json';
import recordsZh from './records.zh-CN.json';
import zh from './zh-CN.json';

export type Tree = { [k: string]: string | Tree };
export type StrictT = (key: string, vars?: Record<string, unknown>) => string;

export const TREES: Record<'zh-CN' | 'en', Tree> = {
  'zh-CN': { ...(zh as Tree), ...(recordsZh as Tree) },
  en: { ...(en as Tree), ...(recordsEn as Tree) },
};

export const lookup = (tree: Tree, key: string) =>
  key.split('.').reduce<string | Tree | undefined>((n, k) => (typeof n === 'object' ? n[k] : undefined), tree);

export const strictT =
  (tree: Tree): StrictT =>
  (key, vars = {}) => {
    const v = lookup(tree, key);
    if (typeof v !== 'string') throw new Error(`missing translation ${key}`);
    return v.replace(/{{\s*(\w+)\s*}}/g, (_, k: string) => String(vars[k]));
  };

export const hasKey = (tree: Tree) => (key: string) => typeof lookup(tree, key) === 'string';
