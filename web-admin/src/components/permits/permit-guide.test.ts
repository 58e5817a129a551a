import { describe, expect, it } from 'vitest';
import { strictT, TREES } from '../../i18n/strict-t';
import {
  gasRulesText,
  machineOptions,
  submitBlockers,
  watcherOptions,
  welderOptions,
  type FormGuide,
} from './permit-guide';

const guide: FormGuide = {
  requestedLevel: 'level2',
  effectiveLevel: 'level2',
  upgradeReasons: [],
  maxWindowHours: 72,
  latestEnd: '2026-01-08T01:00:00.000Z',
  windowFits: true,
  gas: {
    verdictNow: 'GAS_ANALYSIS_MISSING',
    maxAgeMin: 30,
    pauseLimitMin: 60,
    passMarkLelAtLeast4: 0.5,
    passMarkLelBelow4: 0.2,
    continuousMonitoring: false,
  },
  approvers: [{ position: 'unit_head', holders: [{ userId: 'u1', displayName: '车间主任' }] }],
  welders: [
    { id: 'w1', realName: '张伟', phoneMasked: '138****0001', employee: true, block: null },
    { id: 'w2', realName: '刘洋', phoneMasked: '138****0002', employee: true, block: 'certificateExpired' },
    { id: 'w3', realName: '陈静', phoneMasked: null, employee: false, block: null },
  ],
  machines: [
    { id: 'm1', name: '1号焊机', status: 'active', block: null },
    { id: 'm2', name: '2号焊机', status: 'suspended', block: 'machineInactive' },
  ],
};

describe('the guided permit form', () => {
  const zh = strictT(TREES['zh-CN']);
  const en = strictT(TREES.en);

  it('disables ineligible welders and machines with their reason in the user language', () => {
    expect(welderOptions(guide.welders, zh)).toEqual([
      { value: 'w1', label: '张伟', disabled: false },
      { value: 'w2', label: '刘洋 · 操作证在作业时段内已过期', disabled: true },
      { value: 'w3', label: '陈静', disabled: false },
    ]);
    expect(machineOptions(guide.machines, en)[1]).toEqual({
      value: 'm2',
      label: '2号焊机 · Machine suspended or retired',
      disabled: true,
    });
  });

  it('offers as fire watcher only employees with a phone who are not welding on the permit', () => {
    expect(watcherOptions(guide.welders, ['w1']).map((o) => o.value)).toEqual(['w2']);
  });

  it('names what blocks submission: an ineligible selection or a window over the level maximum', () => {
    expect(submitBlockers(guide, { welderIds: ['w1'], machineIds: ['m1'] }, zh)).toEqual([]);
    expect(submitBlockers(guide, { welderIds: ['w2'], machineIds: ['m2'] }, zh)).toEqual([
      '刘洋 · 操作证在作业时段内已过期',
      '2号焊机 · 焊机已停用或淘汰',
    ]);
    const long = { ...guide, windowFits: false, effectiveLevel: 'level1' as const, maxWindowHours: 8 };
    expect(submitBlockers(long, { welderIds: [], machineIds: [] }, en)).toEqual([
      'A Level 1 permit may last at most 8 h: shorten the window',
    ]);
    expect(submitBlockers(null, { welderIds: ['x'], machineIds: [] }, zh)).toEqual([]);
  });

  it('states the gas analysis rules of the level', () => {
    expect(gasRulesText(guide.gas, zh)).toBe(
      '动火前 30 分钟内须有合格的动火分析；作业中断超过 60 分钟须重新分析；合格标准：爆炸下限 ≥4% 的介质 ≤0.5%vol，<4% 的 ≤0.2%vol',
    );
    expect(gasRulesText({ ...guide.gas, continuousMonitoring: true }, en)).toContain('continuous gas monitoring');
  });
});
