import { CHIP_LABEL_MAX_LENGTH, formatChipLabel, parseChipLabel } from './chip-label';
import { exampleKeys } from './examples';
import { generateChipKeyPair } from './crypto';

describe('chip label', () => {
  const keys = exampleKeys();
  const label = formatChipLabel(keys.devicePublicKey);

  it('is arcgate-chip:1 with the chip id and the base64url public key of the test vector', () => {
    expect(label).toBe(`arcgate-chip:1?id=C47Z33QX1AJH62RKBZ1A0&pk=11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo`);
    expect(parseChipLabel(label)).toEqual({ ok: true, chipId: keys.chip, publicKey: keys.devicePublicKey });
  });

  it('round-trips any key, with parameters in any order, extra parameters and surrounding white space', () => {
    const k = generateChipKeyPair();
    expect(parseChipLabel(formatChipLabel(k.publicKey))).toEqual({
      ok: true,
      chipId: k.chip,
      publicKey: k.publicKeyRaw,
    });
    expect(parseChipLabel(`  arcgate-chip:1?model=X1&pk=${k.publicKeyRaw}&id=${k.chip}\n`)).toEqual({
      ok: true,
      chipId: k.chip,
      publicKey: k.publicKeyRaw,
    });
  });

  it.each([
    ['', 'not_a_chip_label'],
    ['C47Z33QX1AJH62RKBZ1A0', 'not_a_chip_label'],
    ['https://example.cn/q/W3F7K9M2QX4TB8N6RZ5HC1', 'not_a_chip_label'],
    ['arcgate-chip:1', 'not_a_chip_label'],
    ['arcgate-chip:1?id=a b', 'not_a_chip_label'],
    ['arcgate-chip:2?id=C47Z33QX1AJH62RKBZ1A0&pk=11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', 'unsupported_version'],
    ['arcgate-chip:1?pk=11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', 'bad_chip_id'],
    ['arcgate-chip:1?id=C47Z33QX1AJH62RKBZ1AO&pk=11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', 'bad_chip_id'],
    [
      'arcgate-chip:1?id=C47Z33QX1AJH62RKBZ1A0&id=C47Z33QX1AJH62RKBZ1A0&pk=11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
      'bad_chip_id',
    ],
    ['arcgate-chip:1?id=C47Z33QX1AJH62RKBZ1A0', 'bad_public_key'],
    ['arcgate-chip:1?id=C47Z33QX1AJH62RKBZ1A0&pk=11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHUR', 'bad_public_key'],
    ['arcgate-chip:1?id=C47Z33QX1AJH62RKBZ1A0&pk=11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURp', 'bad_public_key'],
    ['arcgate-chip:1?id=C47Z33QX1AJH62RKBZ1A1&pk=11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', 'chip_id_mismatch'],
  ])('refuses %j as %s', (text, failure) => {
    expect(parseChipLabel(text)).toEqual({ ok: false, failure });
  });

  it('refuses non-strings and over-long text without parsing it', () => {
    expect(parseChipLabel(42)).toEqual({ ok: false, failure: 'not_a_chip_label' });
    expect(parseChipLabel(`${label}&x=${'a'.repeat(CHIP_LABEL_MAX_LENGTH)}`)).toEqual({
      ok: false,
      failure: 'not_a_chip_label',
    });
  });
});
