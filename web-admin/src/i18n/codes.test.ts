/// <reference types="node" />
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as generated from '../api/schema';
import { CLIENT_ERROR_KEYS, FIELD_CODES } from './codes';
import en from './en.json';
import zh from './zh-CN.json';

// Translation coverage: every code a user can see (the server's generated enums, error codes, field codes)
// has Chinese and English text. A code the server adds shows up here, not as a raw code on screen.

type Tree = { [k: string]: string | Tree };
const LANGS = { 'zh-CN': zh as Tree, en: en as Tree };
const REPO = fileURLToPath(new URL('../../../', import.meta.url));

function textAt(tree: Tree, key: string): unknown {
  return key.split('.').reduce<unknown>((n, k) => (n as Tree | undefined)?.[k], tree);
}

/** The keys of `values` under `namespace` that have no non-empty text, per language. */
function missing(namespace: string, values: readonly string[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [lang, tree] of Object.entries(LANGS)) {
    const absent = values.filter((v) => {
      const text = textAt(tree, `${namespace}.${v}`);
      return typeof text !== 'string' || !text.trim();
    });
    if (absent.length) out[lang] = absent;
  }
  return out;
}

/** Generated value lists (schema.ts) and the translation table the UI renders them with. */
const ENUM_TABLES: [string, readonly string[]][] = [
  ['alertType', generated.alertTypeValues],
  ['severity', generated.alertSeverityValues],
  ['alertState', generated.alertStateValues],
  ['permitLevel', generated.permitLevelValues],
  ['permitStatus', generated.permitDisplayStatusValues],
  ['permitStatus', generated.pathsApiPermitsGetParametersQueryStatusValues],
  ['machineStatus', generated.machineStatusValues],
  ['machineKind', generated.machineKindValues],
  ['welderStatus', generated.welderStatusValues],
  ['certState', generated.certificateStateValues],
  ['certState', generated.certificateStatusValues],
  ['certState', generated.publicCertificateDtoStateValues],
  ['subOperation', generated.certificateSubOperationValues],
  ['certSource', generated.certificateSourceValues],
  ['verificationSource', generated.verificationSourceValues],
  ['enterpriseStatus', generated.enterpriseStatusValues],
  ['trainingTier', generated.trainingTierValues],
  ['engagementKind', generated.engagementKindValues],
  ['position', generated.approverPositionValues],
  ['lelClass', generated.lelClassValues],
  ['blackoutKind', generated.blackoutKindValues],
  ['blackoutStatus', generated.blackoutStatusValues],
  ['blackoutEffect', generated.blackoutEffectValues],
  ['public.reportStatus', generated.reportStatusValues],
  ['reports.codeState', generated.machineCodeStateValues],
  ['role', generated.roleValues],
  ['extensionStatus', generated.extensionStatusValues],
  ['error', generated.errorCodeValues],
  ['hazardCategory', generated.hazardCategoryValues],
  ['hazardLevel', generated.hazardLevelValues],
  ['hazardState', generated.hazardStateValues],
  ['hazardSource', generated.hazardSourceValues],
  ['hazardStep', generated.hazardStepValues],
  ['hazardMeasureKind', generated.hazardMeasureKindValues],
  ['userStatus', generated.userStatusValues],
  ['applicationStatus', generated.applicationStatusValues],
];

/** Device states are the protocol's (not part of the HTTP API's enums): read from its source. */
function deviceStates(): string[] {
  const src = readFileSync(join(REPO, 'protocol', 'src', 'state-machine.ts'), 'utf8');
  const list = /export const DEVICE_STATES = \[([^\]]+)\]/.exec(src);
  return list ? [...list[1].matchAll(/'([a-z_]+)'/g)].map((m) => m[1]) : [];
}

function serverSources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return serverSources(path);
    return /\.ts$/.test(name) && !/spec\.ts$/.test(name) ? [path] : [];
  });
}

/** Field codes written in the server's sources: `field: …, code: 'x'`, DomainError.invalid(f, 'x'), validators. */
function serverFieldCodes(): Map<string, string> {
  const found = new Map<string, string>();
  const patterns = [
    /\bfield[^{}]{0,160}?\bcode: '([a-zA-Z]+)'/g,
    /\bcode: '([a-zA-Z]+)'[^{}]{0,160}?\bfield\b/g,
    /DomainError\.invalid\([^,]+, '([a-zA-Z]+)'/g,
    /makeDecorator\(\s*'([a-zA-Z]+)'/g,
    /(?<!\.)\binvalid\('([a-zA-Z]+)'/g, // a feature's own helper, e.g. fire-watcher.ts invalid(code, message)
    /^\s+(?!field:)[a-z_]+: '(certificate[A-Z][A-Za-z]+)',$/gm, // verdict → field code tables (permit-eligibility.ts)
  ];
  for (const file of serverSources(join(REPO, 'server', 'src'))) {
    const src = readFileSync(file, 'utf8');
    for (const re of patterns) for (const m of src.matchAll(re)) found.set(m[1], file.slice(REPO.length));
  }
  return found;
}

describe('translation coverage', () => {
  it.each(ENUM_TABLES.map(([ns, values], i) => [`${i}:${ns}`, ns, values] as const))(
    'every value of a generated enum has text (%s)',
    (_label, ns, values) => {
      expect(values.length).toBeGreaterThan(0);
      expect(missing(ns, values)).toEqual({});
    },
  );

  it('every device state has text', () => {
    const states = deviceStates();
    expect(states).toContain('locked');
    expect(missing('deviceState', states)).toEqual({});
  });

  it('every field code and client-side error has text', () => {
    expect(missing('fieldError', [...FIELD_CODES, 'other'])).toEqual({});
    expect(missing('error', CLIENT_ERROR_KEYS)).toEqual({});
  });

  it("lists every field code the server's sources use", () => {
    const known: readonly string[] = FIELD_CODES;
    const found = serverFieldCodes();
    expect(found.size).toBeGreaterThan(40);
    const unlisted = [...found].filter(([code]) => !known.includes(code)).map(([code, file]) => `${code} (${file})`);
    expect(unlisted).toEqual([]);
  });

  it('has no text for a field code that is not listed (the list stays the one place)', () => {
    const known: readonly string[] = FIELD_CODES;
    for (const tree of Object.values(LANGS))
      expect(Object.keys(tree.fieldError as Tree).filter((k) => k !== 'other' && !known.includes(k))).toEqual([]);
  });
});
