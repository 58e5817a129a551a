import { describe, expect, it } from 'vitest';
import protocolDoc from '../../../../docs/protocol.md?raw';
import protocolSpec from '../../../../protocol/src/chip-label.spec.ts?raw';
import protocolLabel from '../../../../protocol/src/chip-label.ts?raw';
import { strictT, TREES } from '../../i18n/strict-t';
import { CHIP_LABEL_FAILURES, groupedChipId, parseChipLabel } from './chip-label';

/** The refusal cases of the protocol's own test: [text, failure]. */
function protocolCases(): [string, string][] {
  return [...protocolSpec.matchAll(/\[\s*'([^']*)',\s*'([a-z_]+)',?\s*\]/g)].map((m) => [m[1], m[2]]);
}

describe('chip label (web mirror of the protocol)', () => {
  it('reads the documented example label', () => {
    const example = /<!-- begin:chip-label -->\n```text\n(.*)\n```/.exec(protocolDoc)?.[1] ?? '';
    expect(example).toMatch(/^arcgate-chip:1\?/);
    expect(parseChipLabel(example)).toEqual({
      ok: true,
      chipId: 'C47Z33QX1AJH62RKBZ1A0',
      publicKey: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
    });
  });

  it("refuses what the protocol refuses, for the same reason (the id/key match is the server's check)", () => {
    const cases = protocolCases();
    expect(cases.length).toBeGreaterThan(8);
    for (const [text, failure] of cases) {
      const got = parseChipLabel(text);
      if (failure === 'chip_id_mismatch') expect(got.ok).toBe(true);
      else expect({ text, got }).toEqual({ text, got: { ok: false, failure } });
    }
  });

  it("names the protocol's failures, each with a zh-CN and an English message", () => {
    const body = /export const CHIP_LABEL_FAILURES = \[([\s\S]*?)\] as const/.exec(protocolLabel)?.[1] ?? '';
    const protocolFailures = [...body.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]);
    expect([...CHIP_LABEL_FAILURES, 'chip_id_mismatch']).toEqual(protocolFailures);
    for (const tree of Object.keys(TREES) as (keyof typeof TREES)[]) {
      const t = strictT(TREES[tree]);
      for (const f of CHIP_LABEL_FAILURES) expect(t(`chipBinding.labelError.${f}`)).toBeTruthy();
    }
  });

  it('groups a chip id for reading', () => {
    expect(groupedChipId('C47Z33QX1AJH62RKBZ1A0')).toBe('C47Z3 3QX1 AJH6 2RKB Z1A0');
  });
});
