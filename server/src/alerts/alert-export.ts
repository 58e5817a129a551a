import { chinaDateTime } from '../common/sheets/export-builder';
import type { QueryExportSpec } from '../common/sheets/export-stream';
import { ALERT_TYPES, AlertSeverity, AlertState, AlertType } from './alert-type';
import { AlertContext, contextOf } from './alert-context';

const SEVERITY_ZH: Record<AlertSeverity, string> = {
  [AlertSeverity.Info]: '提示',
  [AlertSeverity.Warning]: '警告',
  [AlertSeverity.Critical]: '严重',
};

const STATE_ZH: Record<AlertState, string> = {
  [AlertState.Open]: '未处理',
  [AlertState.Acknowledged]: '已确认',
  [AlertState.Closed]: '已关闭',
};

/**
 * A row of the export's statement (AlertsRepository.exportStatement): the alert's own columns and the
 * context columns of withContext (ctx_*), read by contextOf as the list reads them (masked ID number too).
 */
export interface AlertExportRow extends Record<string, unknown> {
  type: AlertType;
  severity: AlertSeverity;
  state: AlertState;
  enterpriseName: string | null;
  chipId: string | null;
  count: number;
  firstSeenAt: Date;
  lastSeenAt: Date;
  closeNote: string | null;
  acknowledgeNote: string | null;
}

/** The row's context, read once per row (eight columns use it). */
const contexts = new WeakMap<AlertExportRow, AlertContext>();
function ctx(r: AlertExportRow): AlertContext {
  let c = contexts.get(r);
  if (!c) contexts.set(r, (c = contextOf(r)));
  return c;
}

function place(r: AlertExportRow): string | null {
  const c = ctx(r);
  if (c.placeAddress) return c.placeAddress;
  if (c.placeLatitude !== null && c.placeLongitude !== null) return `${c.placeLatitude}, ${c.placeLongitude}`;
  return null;
}

/** 告警清单: one row per alert, what the list shows. Loaded by the export worker too (source): keep this module's imports light. */
export const ALERT_EXPORT: QueryExportSpec<AlertExportRow> = {
  sheetName: '告警清单',
  asciiBase: 'alerts',
  source: { module: __filename, name: 'ALERT_EXPORT' },
  columns: [
    { header: '级别', width: 8, value: (a) => SEVERITY_ZH[a.severity] },
    { header: '告警类型', width: 26, value: (a) => ALERT_TYPES[a.type]?.titleZh ?? a.type },
    { header: '状态', width: 10, value: (a) => STATE_ZH[a.state] },
    { header: '单位', width: 28, value: (a) => a.enterpriseName ?? '未登记设备' },
    { header: '乡镇', width: 14, value: (a) => ctx(a).townshipName },
    { header: '设备名称', width: 20, value: (a) => ctx(a).machineName },
    { header: '设备编码', width: 26, value: (a) => ctx(a).machineCode },
    { header: '芯片', width: 26, value: (a) => a.chipId },
    { header: '焊工', width: 10, value: (a) => ctx(a).welderName },
    { header: '焊工身份证号（脱敏）', width: 22, value: (a) => ctx(a).welderIdMasked },
    { header: '作业票', width: 30, value: (a) => ctx(a).permitWork },
    { header: '地点', width: 34, value: place },
    { header: '发生次数', width: 10, value: (a) => Number(a.count) },
    { header: '首次发生', width: 18, value: (a) => chinaDateTime(a.firstSeenAt) },
    { header: '最近发生', width: 18, value: (a) => chinaDateTime(a.lastSeenAt) },
    { header: '处理说明', width: 30, value: (a) => a.closeNote ?? a.acknowledgeNote },
  ],
};

/** 非法作业排查: the off-platform operation report (the off-platform alert types), the same columns under its own name. */
export const OFF_PLATFORM_ALERT_EXPORT: QueryExportSpec<AlertExportRow> = {
  ...ALERT_EXPORT,
  sheetName: '非法作业排查',
  asciiBase: 'off-platform',
  source: { module: __filename, name: 'OFF_PLATFORM_ALERT_EXPORT' },
};
