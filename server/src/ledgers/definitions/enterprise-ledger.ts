import type { EnterpriseView } from '../../enterprises/enterprise.view';
import { chinaDateTime } from '../../common/sheets/export-builder';
import type { QueryExportSpec } from '../../common/sheets/export-stream';
import { maskPhone } from '../../common/validation/identifiers';
import { ENTERPRISE_STATUS_OPTIONS, labelOf } from './labels';

/**
 * A row of the export's statement (EnterprisesRepository.exportStatement). The phones come encrypted and
 * are decrypted by the worker (`decrypt`) only to be masked here, as toEnterpriseView does.
 */
export type EnterpriseExportRow = Pick<
  EnterpriseView,
  | 'name'
  | 'uscc'
  | 'industry'
  | 'regionCode'
  | 'address'
  | 'latitude'
  | 'longitude'
  | 'principalName'
  | 'controllerName'
  | 'status'
  | 'statusReason'
  | 'machineCount'
  | 'welderCount'
  | 'createdAt'
> & { principalPhone: string; controllerPhone: string | null };

/** 生产经营单位台账 export. Loaded by the export worker too (source): keep this module's imports light. */
export const ENTERPRISE_EXPORT: QueryExportSpec<EnterpriseExportRow> = {
  sheetName: '生产经营单位台账',
  asciiBase: 'enterprises',
  source: { module: __filename, name: 'ENTERPRISE_EXPORT' },
  decrypt: ['principalPhone', 'controllerPhone'],
  columns: [
    { header: '单位名称', width: 32, value: (e) => e.name },
    { header: '统一社会信用代码', width: 22, value: (e) => e.uscc },
    { header: '行业', width: 16, value: (e) => e.industry },
    { header: '行政区划代码', width: 14, value: (e) => e.regionCode },
    { header: '地址', width: 32, value: (e) => e.address },
    { header: '纬度', width: 10, value: (e) => e.latitude },
    { header: '经度', width: 10, value: (e) => e.longitude },
    { header: '主要负责人', width: 12, value: (e) => e.principalName },
    { header: '负责人电话', width: 14, value: (e) => maskPhone(e.principalPhone) },
    { header: '实际控制人', width: 12, value: (e) => e.controllerName },
    { header: '控制人电话', width: 14, value: (e) => (e.controllerPhone ? maskPhone(e.controllerPhone) : null) },
    { header: '状态', width: 10, value: (e) => labelOf(ENTERPRISE_STATUS_OPTIONS, e.status) },
    { header: '状态原因', width: 24, value: (e) => e.statusReason },
    { header: '在册焊机数', width: 10, value: (e) => e.machineCount },
    { header: '在岗焊工数', width: 10, value: (e) => e.welderCount },
    { header: '登记时间', width: 18, value: (e) => chinaDateTime(e.createdAt) },
  ],
};
