import type { MachineView } from '../../machines/machine.view';
import { chinaDateTime } from '../../common/sheets/export-builder';
import type { QueryExportSpec } from '../../common/sheets/export-stream';
import { LedgerSheet } from '../sheet/ledger-sheet';
import { labelOf, MACHINE_KIND_OPTIONS, MACHINE_STATUS_OPTIONS } from './labels';

/** 焊机台账: one row per machine, imported into CreateMachineDto. */
export const MACHINE_SHEET: LedgerSheet = {
  sheetName: '焊机台账',
  title: '电焊机、气焊(割)设备台账导入',
  uniqueWithinFile: [['manufacturer', 'serialNumber']],
  columns: [
    {
      key: 'name',
      header: '设备名称',
      hint: 'name',
      type: 'string',
      required: true,
      width: 24,
      example: '1号车间氩弧焊机',
      note: '最多 100 字',
    },
    {
      key: 'kind',
      header: '设备类型',
      hint: 'kind',
      type: 'enum',
      required: true,
      width: 16,
      options: MACHINE_KIND_OPTIONS,
      example: '电弧焊机',
    },
    {
      key: 'manufacturer',
      header: '生产厂家',
      hint: 'manufacturer',
      type: 'string',
      required: true,
      width: 20,
      example: '时代焊机',
    },
    { key: 'model', header: '型号', hint: 'model', type: 'string', required: true, width: 14, example: 'WS-400' },
    {
      key: 'serialNumber',
      header: '出厂编号',
      hint: 'serialNumber',
      type: 'string',
      required: true,
      width: 22,
      example: 'SD-WS400-240101',
      note: '同一生产厂家下唯一',
    },
    {
      key: 'ratedInputKva',
      header: '额定输入容量(kVA)',
      hint: 'ratedInputKva',
      type: 'number',
      required: false,
      width: 18,
      example: 12.5,
      note: '电弧焊机、电阻焊机必填 (>0，最多两位小数)；气焊(割)设备留空',
    },
    {
      key: 'ratedCurrentA',
      header: '额定电流(A)',
      hint: 'ratedCurrentA',
      type: 'number',
      required: false,
      width: 14,
      example: 315,
      note: '选填，整数 1–2000：电弧焊机为额定输出电流，电阻焊机为一次电流；焊接电流超过其 110% 持续 1 秒即断电。气焊(割)设备留空',
    },
  ],
};

/** A row of the export's statement (MachinesRepository.exportStatement): what the sheet shows of a machine. */
export type MachineExportRow = Pick<
  MachineView,
  | 'enterpriseName'
  | 'name'
  | 'kind'
  | 'manufacturer'
  | 'model'
  | 'serialNumber'
  | 'ratedInputKva'
  | 'ratedCurrentA'
  | 'status'
  | 'statusReason'
  | 'chipId'
  | 'createdAt'
> & { code: string | null };

/** Loaded by the export worker too (source): keep this module's imports light. */
export const MACHINE_EXPORT: QueryExportSpec<MachineExportRow> = {
  sheetName: '焊机台账',
  asciiBase: 'machines',
  source: { module: __filename, name: 'MACHINE_EXPORT' },
  columns: [
    { header: '所属单位', width: 30, value: (m) => m.enterpriseName },
    { header: '设备名称', width: 24, value: (m) => m.name },
    { header: '设备类型', width: 14, value: (m) => labelOf(MACHINE_KIND_OPTIONS, m.kind) },
    { header: '生产厂家', width: 20, value: (m) => m.manufacturer },
    { header: '型号', width: 14, value: (m) => m.model },
    { header: '出厂编号', width: 22, value: (m) => m.serialNumber },
    { header: '额定输入容量(kVA)', width: 18, value: (m) => m.ratedInputKva },
    { header: '额定电流(A)', width: 14, value: (m) => m.ratedCurrentA },
    { header: '状态', width: 10, value: (m) => labelOf(MACHINE_STATUS_OPTIONS, m.status) },
    { header: '状态原因', width: 24, value: (m) => m.statusReason },
    { header: '芯片编号', width: 20, value: (m) => m.chipId },
    { header: '设备码', width: 22, value: (m) => m.code },
    { header: '登记时间', width: 18, value: (m) => chinaDateTime(m.createdAt) },
  ],
};
