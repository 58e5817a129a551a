import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { beforeAll, describe, expect, it } from 'vitest';
import i18n from 'i18next';
import '../i18n';
import type { AlertView } from '../api/types';
import { MachineCell, OccurrencesCell, PlaceCell, WelderCell, WhoCell } from './AlertContextCells';

const base: AlertView = {
  id: '5f0c2a52-6a55-4a8e-9a39-6c3c2f7f0d11',
  type: 'ARC_OUTSIDE_GEOFENCE',
  title: '电子围栏外起弧',
  titleEn: 'Arc outside the geofence',
  severity: 'critical',
  state: 'open',
  enterpriseId: '0b6f4a3e-2a43-4d6c-9a0a-2f1c1d9e8b77',
  enterpriseName: '夏邑县恒达钢结构有限公司',
  regionPath: '/411426/411426100/',
  machineId: '9d1e7c2b-3f4a-4b5c-8d6e-7f8091a2b3c4',
  welderId: '1697a032-0d4c-4c59-9a5f-3e2b1c0d9e8f',
  permitId: '2a3b4c5d-6e7f-4081-92a3-b4c5d6e7f809',
  chipId: null,
  machineName: '1号车间氩弧焊机',
  machineCode: 'M7KQ2W8XH3T9PZ4CVA5N2B',
  welderName: '张伟',
  welderIdMasked: '4114**********0011',
  townshipCode: '411426100',
  townshipName: '会亭镇',
  placeAddress: '会亭镇工业园区纬一路8号 2号车间',
  placeLatitude: 34.1721,
  placeLongitude: 116.0012,
  placeSource: 'permit',
  permitWork: '2号车间钢梁焊接',
  permitStart: '2026-01-05T01:00:00.000Z',
  permitEnd: '2026-01-05T09:00:00.000Z',
  evidence: {},
  lastEvidence: null,
  dedupeKey: null,
  count: 3,
  firstSeenAt: '2026-01-04T02:00:00.000Z',
  lastSeenAt: '2026-01-04T02:05:00.000Z',
  acknowledgedBy: null,
  acknowledgedAt: null,
  acknowledgeNote: null,
  closedBy: null,
  closedAt: null,
  closeNote: null,
};

const row = (a: AlertView) =>
  [WhoCell, MachineCell, WelderCell, PlaceCell, OccurrencesCell]
    .map((cell) => renderToStaticMarkup(createElement(cell, { a })))
    .join('|');

describe('alert row cells', () => {
  beforeAll(async () => {
    await i18n.changeLanguage('zh-CN');
  });

  it('say who, which machine, where and how often, in Chinese, without a UUID', () => {
    const html = row(base);
    for (const text of [
      '夏邑县恒达钢结构有限公司',
      '会亭镇',
      '1号车间氩弧焊机',
      'M7KQ2W8XH3T9PZ4CVA5N2B',
      '张伟',
      '4114**********0011',
      '会亭镇工业园区纬一路8号 2号车间',
      '2号车间钢梁焊接（2026-01-05 09:00 起）',
      '3 次',
      '首次 2026-01-04 10:00',
      '最近 2026-01-04 10:05',
    ])
      expect(html).toContain(text);
    for (const id of [base.id, base.enterpriseId!, base.machineId!, base.welderId!, base.permitId!])
      expect(html).not.toContain(id);
  });

  it('tell two alerts of one enterprise apart by machine, welder and place', () => {
    const other: AlertView = {
      ...base,
      id: '7e1d2c3b-4a59-4687-98a6-b5c4d3e2f100',
      machineName: '2号车间二保焊机',
      machineCode: 'M2XW9PZ4CVA5N2BK7Q8H3T',
      welderId: null,
      welderName: null,
      welderIdMasked: null,
      permitId: null,
      permitWork: null,
      permitStart: null,
      placeAddress: '会亭镇工业园区纬一路8号',
      placeSource: 'enterprise',
      count: 1,
    };
    expect(row(other)).not.toEqual(row(base));
    expect(row(other)).toContain('未涉及焊工');
    expect(row(other)).toContain('单位地址');
  });

  it('shows coordinates when there is no address, and an unregistered device as such', () => {
    const html = row({
      ...base,
      enterpriseId: null,
      enterpriseName: null,
      townshipName: null,
      machineId: null,
      machineName: null,
      machineCode: null,
      chipId: 'C7K2M9',
      placeAddress: null,
      placeSource: null,
      permitWork: null,
    });
    expect(html).toContain('坐标 34.1721, 116.0012');
    expect(html).toContain('芯片 C7K2M9');
  });
});
