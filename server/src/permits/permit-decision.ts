import { LatLng } from './geofence';
import { PermitLevel } from './permit-levels';

/** Why the authorization engine may or may not start an arc under a permit. */
export enum PermitDecisionCode {
  OK = 'OK',
  PERMIT_NOT_FOUND = 'PERMIT_NOT_FOUND',
  PERMIT_NOT_APPROVED = 'PERMIT_NOT_APPROVED',
  PERMIT_NOT_STARTED = 'PERMIT_NOT_STARTED',
  PERMIT_EXPIRED = 'PERMIT_EXPIRED',
  PERMIT_CLOSED = 'PERMIT_CLOSED',
  PERMIT_CANCELLED = 'PERMIT_CANCELLED',
  /** A regulator's special period now in force needs one level more than the permit was approved at. */
  PERMIT_LEVEL_RAISED = 'PERMIT_LEVEL_RAISED',
  ENTERPRISE_INACTIVE = 'ENTERPRISE_INACTIVE',
  WELDER_NOT_NAMED = 'WELDER_NOT_NAMED',
  WELDER_INACTIVE = 'WELDER_INACTIVE',
  MACHINE_NOT_NAMED = 'MACHINE_NOT_NAMED',
  CERTIFICATE_MISSING = 'CERTIFICATE_MISSING',
  CERTIFICATE_UNVERIFIED = 'CERTIFICATE_UNVERIFIED',
  CERTIFICATE_NOT_YET_VALID = 'CERTIFICATE_NOT_YET_VALID',
  CERTIFICATE_EXPIRED = 'CERTIFICATE_EXPIRED',
  CERTIFICATE_REVIEW_OVERDUE = 'CERTIFICATE_REVIEW_OVERDUE',
  CERTIFICATE_SUSPENDED = 'CERTIFICATE_SUSPENDED',
  CERTIFICATE_REVOKED = 'CERTIFICATE_REVOKED',
  MACHINE_INACTIVE = 'MACHINE_INACTIVE',
  MACHINE_NOT_AVAILABLE = 'MACHINE_NOT_AVAILABLE',
  POSITION_REQUIRED = 'POSITION_REQUIRED',
  POSITION_INACCURATE = 'POSITION_INACCURATE',
  OUTSIDE_GEOFENCE = 'OUTSIDE_GEOFENCE',
  CONTINUOUS_GAS_MONITORING_REQUIRED = 'CONTINUOUS_GAS_MONITORING_REQUIRED',
  GAS_ANALYSIS_MISSING = 'GAS_ANALYSIS_MISSING',
  GAS_ANALYSIS_FAILED = 'GAS_ANALYSIS_FAILED',
  GAS_ANALYSIS_STALE = 'GAS_ANALYSIS_STALE',
  GAS_RETEST_REQUIRED = 'GAS_RETEST_REQUIRED',
  EVALUATION_ERROR = 'EVALUATION_ERROR',
}

/** One table of messages, shown to welders (zh-CN) and in logs and English UIs (en). */
export const PERMIT_DECISION_MESSAGES: Record<PermitDecisionCode, { zh: string; en: string }> = {
  OK: { zh: '许可有效，准予动火', en: 'Permit valid: hot work allowed' },
  PERMIT_NOT_FOUND: { zh: '动火作业票不存在', en: 'Permit not found' },
  PERMIT_NOT_APPROVED: { zh: '动火作业票尚未审批通过', en: 'The permit is not approved' },
  PERMIT_LEVEL_RAISED: {
    zh: '监管部门设定的特殊时段要求升级管理，本作业票级别不足，须重新申请',
    en: 'A special period set by the regulator requires a higher level than this permit: apply again',
  },
  PERMIT_NOT_STARTED: { zh: '未到动火作业票有效时段', en: 'The permit window has not started' },
  PERMIT_EXPIRED: { zh: '动火作业票已过期', en: 'The permit has expired' },
  PERMIT_CLOSED: { zh: '动火作业票已关闭', en: 'The permit is closed' },
  PERMIT_CANCELLED: { zh: '动火作业票已作废', en: 'The permit was cancelled' },
  ENTERPRISE_INACTIVE: { zh: '单位已停业或被责令停产，不得动火', en: 'The enterprise is suspended or closed' },
  WELDER_NOT_NAMED: { zh: '焊工不在动火作业票所列人员中', en: 'The welder is not named on the permit' },
  WELDER_INACTIVE: { zh: '焊工档案已停用', en: 'The welder record is inactive' },
  MACHINE_NOT_NAMED: { zh: '焊机不在动火作业票所列设备中', en: 'The machine is not named on the permit' },
  CERTIFICATE_MISSING: { zh: '焊工无焊接与热切割作业操作证', en: 'The welder holds no welding certificate' },
  CERTIFICATE_UNVERIFIED: {
    zh: '特种作业操作证尚未经监管部门核验',
    en: 'The certificate has not been verified by the regulator',
  },
  CERTIFICATE_NOT_YET_VALID: { zh: '特种作业操作证尚未生效', en: 'The certificate is not yet valid' },
  CERTIFICATE_EXPIRED: { zh: '特种作业操作证已过期', en: 'The certificate has expired' },
  CERTIFICATE_REVIEW_OVERDUE: { zh: '特种作业操作证逾期未复审', en: 'The certificate is overdue for review' },
  CERTIFICATE_SUSPENDED: { zh: '特种作业操作证已暂扣', en: 'The certificate is suspended' },
  CERTIFICATE_REVOKED: { zh: '特种作业操作证已吊销', en: 'The certificate is revoked' },
  MACHINE_INACTIVE: { zh: '焊机已停用或已淘汰', en: 'The machine is suspended or retired' },
  MACHINE_NOT_AVAILABLE: {
    zh: '焊机不属于本单位且无有效借用登记',
    en: 'The machine neither belongs to nor is lent to the enterprise',
  },
  POSITION_REQUIRED: { zh: '需要定位信息才能核验动火地点', en: 'A position is required to check the work site' },
  POSITION_INACCURATE: {
    zh: '定位精度不足，无法核验动火地点',
    en: 'The position is too inaccurate to check the work site',
  },
  OUTSIDE_GEOFENCE: { zh: '不在动火作业票批准的作业范围内', en: 'Outside the permitted work area' },
  CONTINUOUS_GAS_MONITORING_REQUIRED: {
    zh: '特级动火须连续气体监测正常',
    en: 'Special-level hot work needs continuous gas monitoring reporting normal',
  },
  GAS_ANALYSIS_MISSING: { zh: '无动火分析记录', en: 'No gas analysis recorded' },
  GAS_ANALYSIS_FAILED: { zh: '最近一次动火分析不合格', en: 'The latest gas analysis failed' },
  GAS_ANALYSIS_STALE: { zh: '动火分析超过 30 分钟，须重新分析', en: 'The gas analysis is more than 30 min old' },
  GAS_RETEST_REQUIRED: { zh: '作业中断超时，须重新进行动火分析', en: 'Work paused too long: gas must be re-tested' },
  EVALUATION_ERROR: { zh: '无法核验许可，禁止动火', en: 'The permit could not be checked: hot work refused' },
};

export interface PermitEvaluationInput {
  permitId: string;
  welderId: string;
  machineId: string;
  at: Date;
  position?: LatLng & { accuracyM?: number };
  /** Site sensor says combustible gas is being monitored and within limits (特级 needs it). */
  continuousGasOk?: boolean;
}

export interface PermitDecision {
  allowed: boolean;
  reason: PermitDecisionCode;
  message: { zh: string; en: string };
  permit?: { id: string; enterpriseId: string; effectiveLevel: PermitLevel; plannedStart: Date; validUntil: Date };
}

export function decision(reason: PermitDecisionCode, permit?: PermitDecision['permit']): PermitDecision {
  return { allowed: reason === PermitDecisionCode.OK, reason, message: PERMIT_DECISION_MESSAGES[reason], permit };
}
