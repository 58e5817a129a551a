import { describe, expect, it } from 'vitest';
import en from '../i18n/en.json';
import zh from '../i18n/zh-CN.json';
import {
  certificateStateValues,
  rankingSignalValues,
  reportStatusValues,
  reviewStateValues,
  silentReasonValues,
} from './schema';
import { ALERT_TYPES, ERROR_CODES, PERMIT_LEVELS } from './types';

// The label tables are keyed by the server's enums; the enums come from its OpenAPI document (schema.ts),
// so a code the server renames or adds shows up here instead of as a raw code on screen.
const LANGUAGES = { en, zh } as Record<string, Record<string, Record<string, unknown>>>;
const keysOf = (lang: string, table: string) => Object.keys(LANGUAGES[lang][table]);

describe('labels for the generated enums', () => {
  it.each(Object.keys(LANGUAGES))('%s labels every alert type and permit level, and no other', (lang) => {
    expect(keysOf(lang, 'alertType').sort()).toEqual([...ALERT_TYPES].sort());
    expect(keysOf(lang, 'permitLevel').sort()).toEqual([...PERMIT_LEVELS].sort());
  });

  it.each(Object.keys(LANGUAGES))('%s import-error labels name real error codes', (lang) => {
    const codes: readonly string[] = ERROR_CODES;
    expect(keysOf(lang, 'importError').filter((k) => k !== 'other' && !codes.includes(k))).toEqual([]);
  });

  it.each(Object.keys(LANGUAGES))('%s labels every code the off-platform audit shows', (lang) => {
    const audit = LANGUAGES[lang].offPlatform as Record<string, Record<string, unknown>>;
    expect(Object.keys(audit.signal).sort()).toEqual([...rankingSignalValues].sort());
    expect(Object.keys(audit.silentReason).sort()).toEqual([...silentReasonValues].sort());
    expect(Object.keys(audit.reviewState).sort()).toEqual([...reviewStateValues].sort());
    expect(Object.keys(LANGUAGES[lang].certState).sort()).toEqual([...certificateStateValues].sort());
    const pub = LANGUAGES[lang].public as Record<string, Record<string, unknown>>;
    expect(Object.keys(pub.reportStatus).sort()).toEqual([...reportStatusValues].sort());
  });
});
