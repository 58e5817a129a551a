import { describe, expect, it } from 'vitest';
import { strictT, TREES } from '../../i18n/strict-t';
import { CHIP_LABEL_FAILURES, groupedChipId, parseChipLabel } from './chip-label';

// The parser is the protocol's (chip-label-shape.ts, tested there with docs/protocol.md's example);
// here: what the phone does with it.
describe('chip label on the phone', () => {
  it('reads a label', () => {
    expect(
      parseChipLabel('  arcgate-chip:1?id=C47Z33QX1AJH62RKBZ1A0&pk=11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo '),
    ).toEqual({ ok: true, chipId: 'C47Z33QX1AJH62RKBZ1A0', publicKey: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo' });
    expect(parseChipLabel('MABCDEFGHJKMNPQRSTVWXYZ1')).toEqual({ ok: false, failure: 'not_a_chip_label' });
  });

  it('names every failure it can report, in zh-CN and English', () => {
    expect(CHIP_LABEL_FAILURES).toEqual(['not_a_chip_label', 'unsupported_version', 'bad_chip_id', 'bad_public_key']);
    for (const tree of Object.keys(TREES) as (keyof typeof TREES)[]) {
      const t = strictT(TREES[tree]);
      for (const f of CHIP_LABEL_FAILURES) expect(t(`chipBinding.labelError.${f}`)).toBeTruthy();
    }
  });

  it('groups a chip id for reading', () => {
    expect(groupedChipId('C47Z33QX1AJH62RKBZ1A0')).toBe('C47Z3 3QX1 AJH6 2RKB Z1A0');
  });
});
