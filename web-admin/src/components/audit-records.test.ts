import { describe, expect, it } from 'vitest';
import { auditActionValues, auditEntityTypeValues } from '../api/schema';
import type { AuditEntry } from '../api/types';
import { hasKey, strictT, TREES } from '../i18n/strict-t';
import { actionKey, actionText, actorText, auditDiff, entityText } from './audit-records';

// The server's source, read as text: every action it can write must be in the AuditAction enum the console labels.
const serverSources = import.meta.glob<string>(['../../../server/src/**/*.ts', '!../../../server/src/**/*spec.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

const MACHINE = '0b7c1e2a-3d4f-4a5b-8c6d-7e8f9a0b1c2d';
const USER = '5c7c1e2a-3d4f-4a5b-8c6d-7e8f9a0b1c2d';
const entry = (over: Partial<AuditEntry>): AuditEntry => ({
  id: '1',
  occurredAt: '2026-01-05T01:00:00.000Z',
  actorUserId: USER,
  actorName: '张三',
  actorRole: 'enterprise_admin',
  action: 'machine.status',
  entityType: 'machine',
  entityId: MACHINE,
  enterpriseId: null,
  regionPath: null,
  before: null,
  after: null,
  names: { [MACHINE]: '1号焊机（SN-1）' },
  prevHash: '0',
  hash: '1',
  ...over,
});

describe('audit log labels', () => {
  it.each(Object.keys(TREES) as (keyof typeof TREES)[])('%s names every action and object type', (lang) => {
    const t = strictT(TREES[lang]);
    for (const a of auditActionValues) expect(t(actionKey(a))).toBeTruthy();
    for (const e of auditEntityTypeValues) expect(t(`records.auditEntity.${e}`)).toBeTruthy();
  });

  it('knows every action literal the server passes to the audit log', () => {
    const files = Object.entries(serverSources);
    expect(files.length).toBeGreaterThan(50);
    // Literals such as 'permit.approve' given as `action:` or to a helper that records them.
    const literals = new Set<string>();
    for (const [, text] of files) {
      if (!/audit\.record\(|this\.record\(|this\.write\(/.test(text)) continue;
      for (const m of text.matchAll(/action: '([a-z_]+(?:\.[a-z_]+)+)'/g)) literals.add(m[1]);
      for (const m of text.matchAll(/(?:this\.record|this\.write)\([^)]*?'([a-z_]+(?:\.[a-z_]+)+)'/g))
        literals.add(m[1]);
      for (const m of text.matchAll(/\? '([a-z_]+\.[a-z_.]+)' : '([a-z_]+\.[a-z_.]+)'/g)) {
        literals.add(m[1]);
        literals.add(m[2]);
      }
    }
    expect(literals.size).toBeGreaterThan(30);
    expect([...literals].filter((a) => !(auditActionValues as readonly string[]).includes(a))).toEqual([]);
  });

  it('shows people by name and the system by subsystem, never "system/system" or an id', () => {
    const t = strictT(TREES['zh-CN']);
    expect(actorText(entry({}), t)).toBe('张三（企业管理员）');
    expect(
      actorText(entry({ actorUserId: null, actorName: null, actorRole: 'system', action: 'alert.raise' }), t),
    ).toBe('系统（告警引擎）');
    expect(actionText('alert.raise', t)).toBe('产生告警');
    expect(actorText(entry({ actorUserId: null, actorName: null, actorRole: 'system', action: 'code.issue' }), t)).toBe(
      '系统（初始化数据）',
    );
    expect(actionText('made.up', t)).toBe('未知');
    expect(entityText(entry({}), t)).toEqual({ type: '焊机', name: '1号焊机（SN-1）' });
    expect(entityText(entry({ names: {} }), t)).toEqual({ type: '焊机', name: null });
    expect(
      entityText(entry({ entityType: 'alert', names: {}, after: { type: 'GAS_ABOVE_LIMIT' } }), strictT(TREES.en)),
    ).toEqual({ type: 'Alert', name: 'Gas above limit' });
  });

  it('shows before/after as the changed fields, labelled and translated', () => {
    const tree = TREES['zh-CN'];
    const changes = auditDiff(
      entry({
        before: { status: 'active', name: '1号焊机', machineId: MACHINE, closedBy: USER, lastSeenAt: null },
        after: {
          status: 'suspended',
          name: '1号焊机',
          machineId: MACHINE,
          closedBy: 'ffffffff-3d4f-4a5b-8c6d-7e8f9a0b1c2d',
          lastSeenAt: '2026-01-05T01:00:00.000Z',
        },
        names: { [USER]: '张三' },
      }),
      strictT(tree),
      hasKey(tree),
    );
    expect(changes.map(({ label, before, after }) => `${label}: ${before} → ${after}`)).toEqual([
      '状态: 在用 → 停用',
      '关闭人: 张三 → （名称不可见）',
      '最近发生: （空） → 2026-01-05 09:00',
    ]);
    const created = auditDiff(entry({ after: { kind: 'gas', ratedCurrentA: 300 } }), strictT(tree), hasKey(tree));
    expect(created).toEqual([
      { field: 'kind', label: '种类', before: '', after: expect.any(String) as string },
      { field: 'ratedCurrentA', label: '额定电流（A）', before: '', after: '300' },
    ]);
    expect(created[0].after).not.toBe('gas');
  });

  it("shows a permit's site, geofence, checklist, approval chain and extension in words", () => {
    const tree = TREES['zh-CN'];
    const changes = auditDiff(
      entry({
        action: 'permit.approve',
        entityType: 'permit',
        before: {
          geofence: { type: 'circle', center: { lat: 34.17, lng: 116.0 }, radiusM: 50 },
          checklist: { ppeInPlace: true },
          approvalChain: ['unit_head'],
          extension: { id: MACHINE, requestedEnd: '2026-01-05T08:00:00.000Z', status: 'pending', currentStep: 0 },
        },
        after: {
          geofence: {
            type: 'polygon',
            points: [
              { lat: 1, lng: 1 },
              { lat: 1, lng: 2 },
              { lat: 2, lng: 2 },
            ],
          },
          checklist: { ppeInPlace: true, extinguishersInPlace: true },
          approvalChain: ['unit_head', 'principal'],
          extension: { id: MACHINE, requestedEnd: '2026-01-05T08:00:00.000Z', status: 'approved', currentStep: 1 },
        },
      }),
      strictT(tree),
      hasKey(tree),
    );
    expect(changes.map(({ label, before, after }) => `${label}: ${before} → ${after}`)).toEqual([
      '电子围栏: 圆形，半径 50 米 → 多边形，3 个顶点',
      '安全措施确认: 作业人员劳动防护用品齐全 → 作业人员劳动防护用品齐全、灭火器材已配备到位',
      '审批流程: 动火点所在单位负责人 → 动火点所在单位负责人、主要负责人',
      '延期申请: 申请延至：2026-01-05 16:00；状态：待审批；当前审批步骤：0 → 申请延至：2026-01-05 16:00；状态：已批准；当前审批步骤：1',
    ]);
  });

  it('names an enforcement document by its kind and number, never its code', () => {
    const tree = TREES['zh-CN'];
    const changes = auditDiff(
      entry({
        action: 'document.number_issue',
        entityType: 'inspection_plan',
        after: { document: 'inspection_record', number: '检查〔2026〕第1号', targetPosition: 1 },
      }),
      strictT(tree),
      hasKey(tree),
    );
    expect(changes.map(({ label, after }) => `${label}: ${after}`)).toEqual([
      '文书: 现场检查记录',
      '文号: 检查〔2026〕第1号',
      '抽查序号: 1',
    ]);
  });

  it('shows an export as its row count, whether it completed, and the filters that were set, translated', () => {
    const tree = TREES['zh-CN'];
    const changes = auditDiff(
      entry({
        action: 'alert.export',
        entityType: 'alert_export',
        after: {
          rows: 12000,
          complete: true,
          filters: { type: 'ARC_WITHOUT_GRANT', severity: null, state: 'open', machineId: MACHINE, from: null },
        },
      }),
      strictT(tree),
      hasKey(tree),
    );
    expect(changes.map(({ label, after }) => `${label}: ${after}`)).toEqual([
      '导出行数: 12000',
      '是否完整导出: 是',
      '筛选条件: 类型：无授权起弧；状态：未处理；焊机：1号焊机（SN-1）',
    ]);
  });

  it('names the off-platform list an export took and the alert types of the off-platform report', () => {
    const tree = TREES['zh-CN'];
    const list = auditDiff(
      entry({
        action: 'off_platform.export',
        entityType: 'off_platform_export',
        after: { list: 'silent-machines', rows: 40000, complete: true, filters: { industry: '钢结构', days: 30 } },
      }),
      strictT(tree),
      hasKey(tree),
    );
    expect(list.map(({ label, after }) => `${label}: ${after}`)).toEqual([
      '清单: 未加芯或不上线焊机',
      '导出行数: 40000',
      '是否完整导出: 是',
      '筛选条件: 行业：钢结构；日期数：30',
    ]);
    const report = auditDiff(
      entry({
        action: 'alert.export',
        entityType: 'alert_export',
        after: { rows: 2, complete: true, filters: { types: ['UNREGISTERED_DEVICE', 'ARC_WITHOUT_GRANT'] } },
      }),
      strictT(tree),
      hasKey(tree),
    );
    expect(report.at(-1)?.after).toBe('告警类型：未登记设备、无授权起弧');
  });

  it("reads a ledger export's filters as that ledger's values", () => {
    const tree = TREES['zh-CN'];
    const changes = auditDiff(
      entry({
        action: 'ledger.export',
        entityType: 'ledger_export',
        after: {
          ledger: 'welders',
          rows: 7,
          complete: false,
          filters: { status: 'active', certificateState: 'expiring_90d', idNumberMasked: '4114**********1234' },
        },
      }),
      strictT(tree),
      hasKey(tree),
    );
    expect(changes.map(({ label, after }) => `${label}: ${after}`)).toEqual([
      '台账: 焊工台账',
      '导出行数: 7',
      '是否完整导出: 否',
      expect.stringMatching(/^筛选条件: 状态：.+；持证状态：90天内到期；身份证号：4114\*+1234$/) as string,
    ]);
    expect(changes[3].after).not.toContain('active');
  });
});
