import { AlertView } from '../alerts/alert.view';
import { chinaDateTime, ExportColumn } from '../common/sheets/export-builder';
import { buildExportOffThread } from '../common/sheets/export-off-thread';

const STATE_ZH: Record<string, string> = { open: '未处理', acknowledged: '已确认', closed: '已关闭' };
const SEVERITY_ZH: Record<string, string> = { info: '提示', warning: '警告', critical: '严重' };

/** Evidence is already masked by the alerts module; it goes out as compact JSON for the record. */
const COLUMNS: ExportColumn<AlertView>[] = [
  { header: '告警类型', width: 36, value: (a) => a.title },
  { header: '级别', value: (a) => SEVERITY_ZH[a.severity] ?? a.severity },
  { header: '状态', value: (a) => STATE_ZH[a.state] ?? a.state },
  { header: '单位', width: 30, value: (a) => a.enterpriseName ?? '（未登记）' },
  { header: '乡镇', width: 14, value: (a) => a.townshipName },
  { header: '设备名称', width: 22, value: (a) => a.machineName },
  { header: '设备编码', width: 26, value: (a) => a.machineCode },
  { header: '芯片ID', width: 22, value: (a) => a.chipId },
  { header: '焊工', width: 10, value: (a) => a.welderName },
  { header: '发生次数', value: (a) => a.count },
  { header: '首次发生', width: 18, value: (a) => chinaDateTime(a.firstSeenAt) },
  { header: '最近发生', width: 18, value: (a) => chinaDateTime(a.lastSeenAt) },
  { header: '处理说明', width: 30, value: (a) => a.closeNote ?? a.acknowledgeNote },
  { header: '证据', width: 60, value: (a) => JSON.stringify(a.lastEvidence ?? a.evidence) },
];

export const OFF_PLATFORM_SHEET = '非法作业排查';

/** Zipped in a worker thread: 5,000 rows are seconds of CPU that must not stall device requests. */
export function buildOffPlatformWorkbook(items: AlertView[]): Promise<Buffer> {
  return buildExportOffThread(OFF_PLATFORM_SHEET, COLUMNS, items);
}
