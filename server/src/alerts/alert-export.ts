import { chinaDateTime, ExportColumn } from '../common/sheets/export-builder';
import { AlertSeverity, AlertState } from './alert-type';
import { AlertView } from './alert.view';

/** At most this many rows per export; more is 422 EXPORT_TOO_LARGE (narrow the filters). */
export const MAX_ALERT_EXPORT_ROWS = 50_000;

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

function place(a: AlertView): string | null {
  if (a.placeAddress) return a.placeAddress;
  if (a.placeLatitude !== null && a.placeLongitude !== null) return `${a.placeLatitude}, ${a.placeLongitude}`;
  return null;
}

/** 告警清单: one row per alert, what the list shows (views are masked: the welder's ID number too). */
export const ALERT_EXPORT: { sheetName: string; asciiBase: string; columns: ExportColumn<AlertView>[] } = {
  sheetName: '告警清单',
  asciiBase: 'alerts',
  columns: [
    { header: '级别', width: 8, value: (a) => SEVERITY_ZH[a.severity] },
    { header: '告警类型', width: 26, value: (a) => a.title },
    { header: '状态', width: 10, value: (a) => STATE_ZH[a.state] },
    { header: '单位', width: 28, value: (a) => a.enterpriseName ?? '未登记设备' },
    { header: '乡镇', width: 14, value: (a) => a.townshipName },
    { header: '设备名称', width: 20, value: (a) => a.machineName },
    { header: '设备编码', width: 26, value: (a) => a.machineCode },
    { header: '芯片', width: 26, value: (a) => a.chipId },
    { header: '焊工', width: 10, value: (a) => a.welderName },
    { header: '焊工身份证号（脱敏）', width: 22, value: (a) => a.welderIdMasked },
    { header: '作业票', width: 30, value: (a) => a.permitWork },
    { header: '地点', width: 34, value: place },
    { header: '发生次数', width: 10, value: (a) => a.count },
    { header: '首次发生', width: 18, value: (a) => chinaDateTime(a.firstSeenAt) },
    { header: '最近发生', width: 18, value: (a) => chinaDateTime(a.lastSeenAt) },
    { header: '处理说明', width: 30, value: (a) => a.closeNote ?? a.acknowledgeNote },
  ],
};
