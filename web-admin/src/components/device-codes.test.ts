import { describe, expect, it } from 'vitest';
import stateMachine from '../../../protocol/src/state-machine.ts?raw';
import { grantViewDtoSourceValues, grantViewDtoStatusValues, reasonCodeValues } from '../api/schema';
import { strictT, TREES } from '../i18n/strict-t';
import {
  ARC_FLAGS,
  arcFlagText,
  DEVICE_STATES,
  DEVICE_TRIGGERS,
  deviceStateText,
  grantSourceText,
  grantStatusText,
  reasonCodeText,
  triggerText,
} from './device-codes';

/** The string literals of `export const NAME = [ ... ] as const` in the protocol's source. */
function protocolList(name: string): string[] {
  const body = new RegExp(`export const ${name} = \\[([^\\]]*)\\]`).exec(stateMachine)?.[1];
  if (!body) throw new Error(`${name} not found in protocol/src/state-machine.ts`);
  return [...body.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]);
}

describe('device timeline codes', () => {
  it("are the protocol's device states and triggers", () => {
    expect([...DEVICE_STATES]).toEqual(protocolList('DEVICE_STATES'));
    expect([...DEVICE_TRIGGERS]).toEqual(protocolList('TRIGGERS'));
  });

  it.each(Object.keys(TREES) as (keyof typeof TREES)[])(
    '%s labels every state, trigger, grant status, source, arc flag and reason code',
    (lang) => {
      const t = strictT(TREES[lang]);
      const unknown = t('records.value.unknown');
      const labels = [
        ...DEVICE_STATES.map((s) => deviceStateText(s, t)),
        ...DEVICE_TRIGGERS.map((s) => triggerText(s, t)),
        ...grantViewDtoStatusValues.map((s) => grantStatusText(s, t)),
        ...grantViewDtoSourceValues.map((s) => grantSourceText(s, t)),
        ...ARC_FLAGS.map((s) => arcFlagText(s, t)),
        ...reasonCodeValues.map((s) => reasonCodeText(s, t)),
      ];
      expect(labels.filter((l) => !l || l === unknown || /^[a-z]+_[a-z_]+$|^[A-Z_]+$/.test(l))).toEqual([]);
      expect(deviceStateText('exploded', t)).toBe(unknown);
      expect(reasonCodeText('NOT_A_CODE', t)).toBe(unknown);
    },
  );

  it('reads the examples from the issue in words', () => {
    const t = strictT(TREES['zh-CN']);
    expect(`${deviceStateText('locked', t)} · ${grantStatusText('active', t)} · ${grantSourceText('device', t)}`).toBe(
      '已锁定 · 生效中 · 设备扫码',
    );
    expect(reasonCodeText('CERTIFICATE_EXPIRED', t)).toBe('特种作业操作证已过期');
  });
});
