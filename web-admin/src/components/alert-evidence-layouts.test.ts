import { describe, expect, it } from 'vitest';
import { ALERT_TYPES } from '../api/types';
import { strictT, TREES } from '../i18n/strict-t';
import { evidenceLines, READABLE_EVIDENCE_TYPES } from './alert-evidence';
import { LAID_OUT_TYPES } from './alert-evidence-layouts';

const WELDER = '1697a032-5b1e-4c39-9d1e-2f6a7c1b9e01';
const MACHINE = '0b7c1e2a-3d4f-4a5b-8c6d-7e8f9a0b1c2d';
const CERT = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const DECISION = 'aa8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const AT = '2026-01-05T01:00:00.000Z';
const ev = (event: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  chipId: 'C1ABCDEFGHIJKLMNOPQRST',
  seq: 7,
  type: event.type,
  at: AT,
  event: { seq: 7, at: AT, ...event },
  ...extra,
});

/** Evidence as each raiser on the server stores it (grep `alerts.raise(` in server/src). */
const SAMPLES: Record<string, Record<string, unknown>> = {
  ARC_WITHOUT_GRANT: ev(
    { type: 'arc.unauthorized', currentA: 142.4, relayClosed: false },
    { reason: 'device reported current with the relay open (bypass suspected)' },
  ),
  UNREGISTERED_DEVICE: { chipId: 'C9', event: 'connect', source: { remoteAddress: '10.0.0.2', distinctChips: 3 } },
  UNLICENSED_ATTEMPT: {
    reason: 'CERTIFICATE_EXPIRED',
    message: '特种作业操作证已过期',
    welderName: '张*',
    source: 'device',
    decisionId: DECISION,
  },
  REPEATED_DENIALS: { denials: 5, windowMinutes: 10, lastReason: 'WELDER_NOT_NAMED', decisionId: DECISION },
  REMOTE_START_FAR_AWAY: {
    distanceM: 1523.4,
    thresholdM: 500,
    reference: 'permit_site',
    allowed: false,
    reason: 'OUTSIDE_GEOFENCE',
    welderName: '李*',
    decisionId: DECISION,
  },
  MACHINE_OVERUSE_24H: { machineId: MACHINE, runStartedAt: AT, lastArcEndedAt: '2026-01-06T02:00:00.000Z', hours: 25 },
  ARC_OUTSIDE_GEOFENCE: ev(
    {
      type: 'heartbeat',
      position: { lat: 33.123456, lng: 115.654321, accuracyM: 8, fixAt: AT },
      relayClosed: true,
      state: 'arcing',
    },
    { outsideByM: 130 },
  ),
  ARC_AFTER_PERMIT_END: ev(
    {
      type: 'arc.stop',
      startedAt: AT,
      endedAt: '2026-01-05T01:20:00.000Z',
      durationMs: 1_200_000,
      current: { min: 100, max: 160.2, mean: 140.6, p95: 155 },
      samples: 100,
      sampleRateHz: 1,
    },
    { permitEndedAt: '2026-01-05T01:05:00.000Z' },
  ),
  DEVICE_OFFLINE_DURING_PERMIT: { chipId: 'C1', cause: 'missed_heartbeats', lastState: 'armed', at: AT },
  GAS_ABOVE_LIMIT: ev({ type: 'gas.reading', percentLel: 12.5, limitPercentLel: 10 }),
  PERMIT_GAS_FAILED: {
    permitNo: 'DH-2026-0007',
    gas: '甲烷',
    readingPercentVol: 0.8,
    passMarkPercentVol: 0.5,
    takenAt: AT,
    analyst: '李分析',
  },
  OVER_CURRENT: ev({ type: 'power.cut', reason: 'over_current', currentA: 410, limitA: 315 }),
  RELAY_FAULT: ev({ type: 'relay.fault', commanded: false, feedback: true }),
  DEVICE_OFFLINE_ARMED: { chipId: 'C1', cause: 'will', lastState: 'arcing', at: AT, hardwareWatchdogTimeoutMs: 500 },
  DEVICE_ONSITE_CHECK: { chipId: 'C1', lastState: 'armed', offlineSince: AT, offlineMinutes: 12 },
  BOARD_LINK_LOST: ev({ type: 'board.link', up: false, cause: 'port_error' }, { cause: 'port_error' }),
  DEVICE_JOURNAL_FAILED: { chipId: 'C1', faults: ['journal_unwritable'], state: 'locked', at: AT, firmware: '1.2.0' },
  AGENT_CRASHED: ev({ type: 'power.cut', reason: 'agent_crashed' }, { cutBy: 'hardware_watchdog' }),
  DEVICE_CLOCK_SKEW: { chipId: 'C1', failure: 'expired', deviceTime: AT, serverTime: AT, skewMs: -600_000 },
  DEVICE_IMPERSONATION: { chipId: 'C2', claimedClientId: 'C1X', claimedIsBoundChip: true, via: 'embedded' },
  CERTIFICATE_EXPIRING: {
    certificateId: CERT,
    welderId: WELDER,
    subOperation: 'fusion_welding_and_thermal_cutting',
    expiresOn: '2026-01-14',
    daysLeft: 9,
    threshold: 30,
  },
  CERTIFICATE_EXPIRED: {
    certificateId: CERT,
    welderId: WELDER,
    subOperation: 'brazing',
    expiresOn: '2026-01-01',
    daysOverdue: 4,
  },
  ACTIVITY_AT_INACTIVE_ENTERPRISE: ev({ type: 'arc.start', grantId: 'g1' }, { enterpriseStatus: 'suspended' }),
  TAMPER: ev({ type: 'tamper', switch: 'enclosure', open: true }),
  FORGED_MESSAGE: { chipId: 'C1', topic: 'arcgate/v1/C1/events', said: { type: 'events', body: { x: 1 } } },
  DEVICE_FLOOD: { chipId: 'C1', refused: 40, byType: { events: 40 }, firstAt: AT, lastAt: AT },
  DEVICE_MESSAGE_REJECTED: { chipId: 'C1', type: 'events', rejectedSeqs: [2], problems: [{ code: 'format' }] },
  HAZARD_OVERDUE: { hazardId: CERT, category: 'fire_watch_missing', level: 'major', deadline: AT, daysOverdue: 3 },
  NOTIFICATION_DELIVERY_FAILED: {
    deliveryId: CERT,
    alertId: CERT,
    channel: 'dingtalk',
    recipient: 'oapi.dingtalk.com/…Ab12',
    attempts: 5,
    failure: 'provider_refused',
    providerCode: '310000',
    error: 'dingtalk errcode 310000: sign not match',
  },
};

/** What must never reach the screen: ids, JSON, snake_case or SCREAMING codes, the server's English reasons. */
const RAW =
  /[0-9a-f]{8}-[0-9a-f]{4}-|[{}[\]"]|\b[a-z]+_[a-z_]+\b|\b[A-Z]{2,}_[A-Z_]+\b|device reported|grant unknown|no grant id/;

describe('alert evidence layouts', () => {
  it('lay out every alert type the server can raise', () => {
    expect([...READABLE_EVIDENCE_TYPES, ...LAID_OUT_TYPES].sort()).toEqual([...ALERT_TYPES].sort());
    expect(Object.keys(SAMPLES).sort()).toEqual([...ALERT_TYPES].sort());
  });

  it.each(Object.keys(TREES) as (keyof typeof TREES)[])(
    'read every type in %s: labelled lines, no id, JSON or raw code',
    (lang) => {
      const t = strictT(TREES[lang]);
      for (const type of ALERT_TYPES) {
        const lines = evidenceLines(type, SAMPLES[type], t);
        expect({ type, count: lines.length > 0 }).toEqual({ type, count: true });
        const raw = lines.filter((l) => RAW.test(l.label) || RAW.test(l.value));
        expect(raw.map((l) => `${type} ${l.label}: ${l.value}`)).toEqual([]);
      }
    },
  );

  it('formats currents, gas, durations and times, and translates enums', () => {
    const t = strictT(TREES['zh-CN']);
    const text = (type: string) => evidenceLines(type, SAMPLES[type], t).map((l) => `${l.label}: ${l.value}`);
    expect(text('GAS_ABOVE_LIMIT')).toEqual([
      '气体浓度: 12.5% LEL',
      '报警限值: 10% LEL',
      '发生时间: 2026-01-05 09:00',
      '影响: 设备已切断电源，请撤离并通风',
    ]);
    expect(text('PERMIT_GAS_FAILED')).toEqual([
      '作业票编号: DH-2026-0007',
      '分析介质: 甲烷',
      '分析数据: 0.8 %vol',
      '合格标准: ≤ 0.5 %vol',
      '分析时间: 2026-01-05 09:00',
      '分析人: 李分析',
      '影响: 作业票已暂停，在用焊机授权已收回；复测合格后恢复',
    ]);
    expect(text('ARC_AFTER_PERMIT_END')).toContain('超出作业票时间: 15 分 0 秒');
    expect(text('ARC_AFTER_PERMIT_END')).toContain('焊接电流: 平均 141 A，最大 160 A');
    expect(text('OVER_CURRENT').slice(0, 2)).toEqual(['焊接电流: 410 A', '电流上限: 315 A']);
    expect(text('UNLICENSED_ATTEMPT')).toContain('拒绝原因: 特种作业操作证已过期');
    expect(text('REMOTE_START_FAR_AWAY')).toContain('处理结果: 已拒绝：不在许可作业地点范围内');
    expect(text('CERTIFICATE_EXPIRING')).toContain('作业项目: 熔化焊接与热切割作业');
    expect(text('HAZARD_OVERDUE')).toEqual([
      '隐患类别: 监护缺失',
      '隐患等级: 重大隐患',
      '整改期限: 2026-01-05 09:00',
      '逾期: 3 天',
    ]);
    expect(text('ARC_OUTSIDE_GEOFENCE')).toContain('设备位置: 纬度 33.12346，经度 115.65432（精度 8 米）');
    const en = strictT(TREES.en);
    expect(evidenceLines('RELAY_FAULT', SAMPLES.RELAY_FAULT, en).map((l) => l.value)).toContain('Closed (power on)');
  });

  it('links the welder and machine it names instead of showing their ids', () => {
    const t = strictT(TREES['zh-CN']);
    expect(evidenceLines('CERTIFICATE_EXPIRED', SAMPLES.CERTIFICATE_EXPIRED, t)[0]).toEqual({
      label: '焊工',
      value: '关联记录',
      link: { kind: 'welder', id: WELDER },
    });
    expect(evidenceLines('MACHINE_OVERUSE_24H', SAMPLES.MACHINE_OVERUSE_24H, t)[0].link).toEqual({
      kind: 'machine',
      id: MACHINE,
    });
  });

  it('lists fields it has no layout for with labels, never as JSON', () => {
    const t = strictT(TREES['zh-CN']);
    const lines = evidenceLines('SOMETHING_NEW', { count: 3, at: AT, welderId: WELDER, extra: { a: true } }, t);
    expect(lines).toEqual([
      { label: '次数', value: '3' },
      { label: '时间', value: '2026-01-05 09:00' },
      { label: '焊工', value: '关联记录' },
      { label: '其他信息', value: '其他信息 是' },
    ]);
    const tamper = evidenceLines('TAMPER', { ...SAMPLES.TAMPER, newField: 'x' }, t);
    expect(tamper.at(-1)).toEqual({ label: '其他信息', value: 'x' });
  });

  it('says "unknown" for values it does not know rather than showing them', () => {
    const t = strictT(TREES.en);
    const lines = evidenceLines('UNLICENSED_ATTEMPT', { reason: 'NOT_A_CODE', source: 'fax' }, t);
    expect(lines.map((l) => l.value)).toEqual(['unknown', 'unknown', 'Blocked: the machine did not start']);
  });
});
