import { describe, expect, it } from 'vitest';
import zh from '../i18n/zh-CN.json';
import en from '../i18n/en.json';
import { evidenceLines, READABLE_EVIDENCE_TYPES } from './alert-evidence';
import { ALERT_TYPES } from './alert-types';

type Tree = { [k: string]: string | Tree };
/** A minimal i18next-like t over one resource tree; throws on a missing key so gaps fail the test. */
const tOf =
  (tree: Tree) =>
  (key: string, vars: Record<string, unknown> = {}) => {
    const v = key.split('.').reduce<string | Tree | undefined>((n, k) => (n as Tree | undefined)?.[k], tree);
    if (typeof v !== 'string') throw new Error(`missing translation ${key}`);
    return v.replace(/{{\s*(\w+)\s*}}/g, (_, k: string) => String(vars[k]));
  };

describe('alert evidence', () => {
  it('every alert type has a label in both languages', () => {
    for (const type of ALERT_TYPES) {
      expect(tOf(zh as Tree)(`alertType.${type}`)).toBeTruthy();
      expect(tOf(en as Tree)(`alertType.${type}`)).toBeTruthy();
    }
    for (const type of READABLE_EVIDENCE_TYPES) expect(ALERT_TYPES).toContain(type);
  });

  it('reads an offline-while-armed alert without raw codes, in Chinese and English', () => {
    const ev = {
      chipId: 'C1',
      cause: 'will',
      lastState: 'arcing',
      at: '2026-01-05T01:00:00.000Z',
      hardwareWatchdogTimeoutMs: 500,
      onsiteCheckAfterS: 600,
      expected: 'hardware_watchdog_cut',
    };
    const zhLines = evidenceLines('DEVICE_OFFLINE_ARMED', ev, tOf(zh));
    expect(zhLines.map((l) => `${l.label}: ${l.value}`)).toEqual([
      '离线前状态: 焊接中',
      '离线原因: 连接意外中断（遗嘱消息）',
      '离线时间: 2026-01-05 09:00',
      '预期: 控制板硬件看门狗应在 500 毫秒内切断电源',
      '升级: 10 分钟内未恢复将要求现场检查',
    ]);
    const enText = evidenceLines('DEVICE_OFFLINE_ARMED', ev, tOf(en as Tree))
      .map((l) => l.value)
      .join(' ');
    expect(enText).toContain('Arcing');
    expect(enText).not.toMatch(/\barcing\b|hardware_watchdog|missed_heartbeats/);
  });

  it('reads every new type in both languages and hides unknown values', () => {
    const samples: Record<string, Record<string, unknown>> = {
      DEVICE_ONSITE_CHECK: {
        lastState: 'armed',
        offlineSince: '2026-01-05T01:00:00Z',
        offlineMinutes: 12,
        action: 'onsite_check',
      },
      BOARD_LINK_LOST: { cause: 'port_closed', at: '2026-01-05T01:00:00Z', hardwareWatchdogTimeoutMs: 500 },
      DEVICE_JOURNAL_FAILED: { faults: ['journal_unwritable', 'mystery'], state: 'locked', at: '2026-01-05T01:00:00Z' },
      AGENT_CRASHED: { at: '2026-01-05T01:00:00Z', cutBy: 'hardware_watchdog', hardwareWatchdogTimeoutMs: 500 },
    };
    for (const tree of [zh, en] as Tree[]) {
      for (const [type, ev] of Object.entries(samples)) {
        const lines = evidenceLines(type, ev, tOf(tree));
        expect(lines.length).toBeGreaterThan(1);
        expect(lines.map((l) => l.value).join(' ')).not.toMatch(
          /port_closed|journal_unwritable|mystery|onsite_check|hardware_watchdog/,
        );
      }
    }
  });

  it('reads a clock-skew alert as ahead or behind in whole minutes, without the failure code', () => {
    const ahead = {
      chipId: 'C1',
      failure: 'not_yet_valid',
      deviceTime: '2026-01-05T01:10:00.000Z',
      serverTime: '2026-01-05T01:00:00.000Z',
      skewMs: 600_000,
      remoteAddress: '10.0.0.1',
    };
    const behind = { ...ahead, failure: 'expired', deviceTime: '2026-01-05T00:50:20.000Z', skewMs: -579_700 };
    const zhLines = evidenceLines('DEVICE_CLOCK_SKEW', ahead, tOf(zh));
    expect(zhLines.map((l) => `${l.label}: ${l.value}`)).toEqual([
      '时钟偏差: 设备时钟比平台快 10 分钟，连接被拒绝；请校准设备时间',
      '设备时间: 2026-01-05 09:10',
      '平台时间: 2026-01-05 09:00',
    ]);
    expect(evidenceLines('DEVICE_CLOCK_SKEW', behind, tOf(zh as Tree))[0].value).toBe(
      '设备时钟比平台慢 10 分钟，连接被拒绝；请校准设备时间',
    );
    expect(evidenceLines('DEVICE_CLOCK_SKEW', ahead, tOf(en as Tree))[0].value).toBe(
      "Device clock 10 min ahead of the platform: connection refused; set the device's time",
    );
    expect(evidenceLines('DEVICE_CLOCK_SKEW', behind, tOf(en as Tree))[0].value).toBe(
      "Device clock 10 min behind the platform: connection refused; set the device's time",
    );
    for (const tree of [zh, en] as Tree[]) {
      const text = [ahead, behind]
        .flatMap((ev) => evidenceLines('DEVICE_CLOCK_SKEW', ev, tOf(tree)))
        .map((l) => l.value)
        .join(' ');
      expect(text).not.toMatch(/not_yet_valid|expired|600000|skewMs/);
    }
    expect(evidenceLines('DEVICE_CLOCK_SKEW', { failure: 'expired' }, tOf(en as Tree))[0].value).toBe('unknown');
    // Connected, but its messages are refused as stale.
    expect(evidenceLines('DEVICE_CLOCK_SKEW', { ...ahead, event: 'message' }, tOf(zh as Tree))[0].value).toBe(
      '设备时钟比平台快 10 分钟，其报文因时间超差被拒收；请校准设备时间',
    );
    expect(evidenceLines('DEVICE_CLOCK_SKEW', { ...behind, event: 'message' }, tOf(en as Tree))[0].value).toBe(
      "Device clock 10 min behind the platform: its messages are refused as stale; set the device's time",
    );
  });

  it('reads the issue-12 device alerts: unknown chips by source, floods, rejected messages — no raw codes', () => {
    const unknown = {
      chipId: 'C1',
      event: 'connect',
      source: {
        remoteAddress: '10.9.8.7',
        distinctChips: 100,
        attempts: 120,
        minutes: 2,
        chipsSample: ['C1', 'C2'],
        firstAt: '2026-01-05T01:00:00Z',
        lastAt: '2026-01-05T01:02:00Z',
      },
    };
    expect(evidenceLines('UNREGISTERED_DEVICE', unknown, tOf(zh as Tree))[0].value).toBe(
      '来自 10.9.8.7 的 100 个未登记芯片（2 分钟内尝试 120 次）',
    );
    expect(evidenceLines('UNREGISTERED_DEVICE', unknown, tOf(en as Tree))[0].value).toBe(
      '100 unknown chips from 10.9.8.7 (120 attempts in 2 min)',
    );
    expect(evidenceLines('UNREGISTERED_DEVICE', { chipId: 'C9' }, tOf(en as Tree))[0].value).toBe('C9');
    const flood = {
      chipId: 'C1',
      refused: 394,
      byType: { 'arm.request': 390, events: 4 },
      firstAt: '2026-01-05T01:00:00Z',
      lastAt: '2026-01-05T01:00:20Z',
      limit: { class: 'arm' },
    };
    const rejected = { chipId: 'C1', type: 'events', rejectedSeqs: [2, 3], problems: [{ code: 'format' }] };
    for (const tree of [zh, en] as Tree[]) {
      const text = [
        evidenceLines('DEVICE_FLOOD', flood, tOf(tree)),
        evidenceLines('DEVICE_MESSAGE_REJECTED', rejected, tOf(tree)),
      ]
        .flat()
        .map((l) => `${l.label} ${l.value}`)
        .join(' ');
      expect(text).toContain('394');
      expect(text).not.toMatch(/arm\.request|rejectedSeqs|format|byType/);
    }
    expect(evidenceLines('DEVICE_FLOOD', flood, tOf(zh as Tree)).map((l) => l.value)).toContain('授权请求 390，事件 4');
    expect(
      evidenceLines('DEVICE_MESSAGE_REJECTED', { type: 'status', reason: 'SEQ_REPLAYED', seq: 4 }, tOf(en as Tree))
        .map((l) => l.value)
        .join(' '),
    ).toMatch(/already used/);
  });

  it('reads an impersonation alert: the client id asked for, whether it names a registered device, that it was refused', () => {
    const ev = {
      chipId: 'C2',
      claimedClientId: 'C1VICTIM0000000000000',
      claimedIsBoundChip: true,
      emptyClientId: false,
      via: 'embedded',
      remoteAddress: '10.0.0.9',
    };
    expect(evidenceLines('DEVICE_IMPERSONATION', ev, tOf(zh as Tree)).map((l) => `${l.label}: ${l.value}`)).toEqual([
      '冒用的连接标识: C1VICTIM0000000000000',
      '冒用对象: 平台上已登记的其他设备',
      '来源地址: 10.0.0.9',
      '影响: 连接已拒绝，被冒用的设备未被断开',
    ]);
    const empty = evidenceLines(
      'DEVICE_IMPERSONATION',
      { ...ev, claimedClientId: '', claimedIsBoundChip: false },
      tOf(en),
    );
    expect(empty.map((l) => l.value)).toEqual([
      '(empty: none given)',
      'not a device id',
      '10.0.0.9',
      'Connection refused; the other device was not disconnected',
    ]);
    expect(empty.map((l) => l.value).join(' ')).not.toMatch(/embedded|true|false/);
  });
});
