import type { CertificateState, WelderView } from '../../welders/welder-views';
import { chinaDateTime } from '../../common/sheets/export-builder';
import type { QueryExportSpec } from '../../common/sheets/export-stream';
import { LedgerSheet } from '../sheet/ledger-sheet';
import { labelOf, WELDER_STATUS_OPTIONS } from './labels';

/** 焊工台账: one row per welder, imported into CreateWelderDto. */
export const WELDER_SHEET: LedgerSheet = {
  sheetName: '焊工台账',
  title: '焊工台账导入',
  uniqueWithinFile: [['idNumber']],
  columns: [
    {
      key: 'realName',
      header: '姓名',
      hint: 'realName',
      type: 'string',
      required: true,
      width: 12,
      example: '张伟',
      note: '最多 50 字',
    },
    {
      key: 'idNumber',
      header: '身份证号',
      hint: 'idNumber',
      type: 'string',
      required: true,
      width: 24,
      example: '11010519491231002X',
      note: '18 位居民身份证号，校验位须正确；加密保存，仅显示脱敏值',
    },
    {
      key: 'phone',
      header: '手机号',
      hint: 'phone',
      type: 'string',
      required: false,
      width: 14,
      example: '13900001111',
      note: '11 位手机号；加密保存',
    },
  ],
};

const CERTIFICATE_STATE_LABELS: Record<CertificateState, string> = {
  valid: '有效',
  unverified: '待监管核验',
  expiring_90d: '90天内到期',
  not_yet_valid: '未生效',
  expired: '已过期',
  review_overdue: '逾期未复审',
  suspended: '暂扣',
  revoked: '吊销',
  none: '无证',
};

/** ID and certificate numbers and phones come from the view, already masked. */
/** A row of the export's statement (WeldersRepository.exportStatement): masked fields only. */
export type WelderExportRow = Pick<
  WelderView,
  | 'realName'
  | 'idNumberMasked'
  | 'certificateNumberMasked'
  | 'phoneMasked'
  | 'employerName'
  | 'status'
  | 'certificateState'
  | 'createdAt'
>;

/** Loaded by the export worker too (source): keep this module's imports light. */
export const WELDER_EXPORT: QueryExportSpec<WelderExportRow> = {
  sheetName: '焊工台账',
  asciiBase: 'welders',
  source: { module: __filename, name: 'WELDER_EXPORT' },
  columns: [
    { header: '姓名', width: 12, value: (w) => w.realName },
    { header: '身份证号', width: 22, value: (w) => w.idNumberMasked },
    { header: '特种作业操作证号', width: 22, value: (w) => w.certificateNumberMasked },
    { header: '手机号', width: 14, value: (w) => w.phoneMasked },
    { header: '所属单位', width: 30, value: (w) => w.employerName },
    { header: '状态', width: 8, value: (w) => labelOf(WELDER_STATUS_OPTIONS, w.status) },
    { header: '持证状态', width: 12, value: (w) => CERTIFICATE_STATE_LABELS[w.certificateState] ?? w.certificateState },
    { header: '登记时间', width: 18, value: (w) => chinaDateTime(w.createdAt) },
  ],
};
