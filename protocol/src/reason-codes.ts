import { SERVER_RETRY_AFTER_S } from './constants';
import type { ArmDeniedBody, CertDeniedBody, LocalizedText } from './messages';

/** Machine-readable outcome of an arm request, a revoke or a rejected message. Values equal the keys. */
export enum ReasonCode {
  OK = 'OK',
  // chip and machine
  CHIP_UNKNOWN = 'CHIP_UNKNOWN',
  CHIP_NOT_BOUND = 'CHIP_NOT_BOUND',
  MACHINE_NOT_ACTIVE = 'MACHINE_NOT_ACTIVE',
  MACHINE_SUSPENDED = 'MACHINE_SUSPENDED',
  MACHINE_RETIRED = 'MACHINE_RETIRED',
  MACHINE_KIND_MISMATCH = 'MACHINE_KIND_MISMATCH',
  ENTERPRISE_INACTIVE = 'ENTERPRISE_INACTIVE',
  // welder and credential
  WELDER_UNKNOWN = 'WELDER_UNKNOWN',
  WELDER_CODE_INVALID = 'WELDER_CODE_INVALID',
  WELDER_CODE_REVOKED = 'WELDER_CODE_REVOKED',
  CODE_REVOKED = 'CODE_REVOKED',
  CERTIFICATE_MISSING = 'CERTIFICATE_MISSING',
  CERTIFICATE_EXPIRED = 'CERTIFICATE_EXPIRED',
  CERTIFICATE_REVIEW_OVERDUE = 'CERTIFICATE_REVIEW_OVERDUE',
  CERTIFICATE_SUSPENDED = 'CERTIFICATE_SUSPENDED',
  CERTIFICATE_REVOKED = 'CERTIFICATE_REVOKED',
  CERTIFICATE_WRONG_CATEGORY = 'CERTIFICATE_WRONG_CATEGORY',
  PHONE_SESSION_UNKNOWN = 'PHONE_SESSION_UNKNOWN',
  PHONE_SESSION_EXPIRED = 'PHONE_SESSION_EXPIRED',
  // permit
  PERMIT_REQUIRED = 'PERMIT_REQUIRED',
  PERMIT_NOT_FOUND = 'PERMIT_NOT_FOUND',
  PERMIT_NOT_APPROVED = 'PERMIT_NOT_APPROVED',
  PERMIT_NOT_STARTED = 'PERMIT_NOT_STARTED',
  PERMIT_EXPIRED = 'PERMIT_EXPIRED',
  PERMIT_CLOSED = 'PERMIT_CLOSED',
  PERMIT_CANCELLED = 'PERMIT_CANCELLED',
  WELDER_NOT_NAMED = 'WELDER_NOT_NAMED',
  MACHINE_NOT_NAMED = 'MACHINE_NOT_NAMED',
  // place and gas
  OUTSIDE_GEOFENCE = 'OUTSIDE_GEOFENCE',
  POSITION_REQUIRED = 'POSITION_REQUIRED',
  POSITION_STALE = 'POSITION_STALE',
  GAS_ANALYSIS_MISSING = 'GAS_ANALYSIS_MISSING',
  GAS_ANALYSIS_STALE = 'GAS_ANALYSIS_STALE',
  GAS_ANALYSIS_FAILED = 'GAS_ANALYSIS_FAILED',
  GAS_RETEST_REQUIRED = 'GAS_RETEST_REQUIRED',
  CONTINUOUS_GAS_MONITORING_REQUIRED = 'CONTINUOUS_GAS_MONITORING_REQUIRED',
  BLACKOUT_IN_FORCE = 'BLACKOUT_IN_FORCE',
  // transport and message checks
  NONCE_REUSED = 'NONCE_REUSED',
  SEQ_REPLAYED = 'SEQ_REPLAYED',
  REQUEST_EXPIRED = 'REQUEST_EXPIRED',
  BAD_SIGNATURE = 'BAD_SIGNATURE',
  MALFORMED = 'MALFORMED',
  RATE_LIMITED = 'RATE_LIMITED',
  SERVER_ERROR = 'SERVER_ERROR',
  // device certificate renewal (cert.denied) only
  DEVICE_CERT_REVOKED = 'DEVICE_CERT_REVOKED',
  DEVICE_CERT_UNKNOWN = 'DEVICE_CERT_UNKNOWN',
  DEVICE_CERT_KEY_MISMATCH = 'DEVICE_CERT_KEY_MISMATCH',
  // revoke only
  GRANT_EXPIRED = 'GRANT_EXPIRED',
  REGULATOR_ORDER = 'REGULATOR_ORDER',
  WORK_ENDED = 'WORK_ENDED',
}

/** Where a code may appear: arm.denied, grant.revoke, both, or only cert.denied (renewal). */
export type ReasonUse = 'deny' | 'revoke' | 'both' | 'renew';

export interface ReasonInfo {
  message: LocalizedText;
  use: ReasonUse;
  /** The same request may succeed later without anyone changing data (after retryAfterS or a new fix). */
  retryable: boolean;
  /**
   * Retryable because the server itself is the obstacle and knows when it may not be: arm.denied then
   * carries retryAfterS (docs §6.4). The other retryable codes wait for the device or welder instead.
   */
  waitForServer: boolean;
}

type Retry = 'no' | 'yes' | 'wait-for-server';
const r = (zh: string, en: string, use: ReasonUse = 'deny', retry: Retry = 'no'): ReasonInfo => ({
  message: { 'zh-CN': zh, en },
  use,
  retryable: retry !== 'no',
  waitForServer: retry === 'wait-for-server',
});

/** The single table of reason codes and their messages. */
export const REASONS: Readonly<Record<ReasonCode, ReasonInfo>> = {
  [ReasonCode.OK]: r('授权通过', 'Authorized'),
  [ReasonCode.CHIP_UNKNOWN]: r('芯片未登记', 'Chip is not registered'),
  [ReasonCode.CHIP_NOT_BOUND]: r('芯片未绑定焊机', 'Chip is not bound to a machine', 'both'),
  [ReasonCode.MACHINE_NOT_ACTIVE]: r('焊机未启用', 'Machine is not active'),
  [ReasonCode.MACHINE_SUSPENDED]: r('焊机已停用', 'Machine is suspended', 'both'),
  [ReasonCode.MACHINE_RETIRED]: r('焊机已淘汰', 'Machine is retired', 'both'),
  [ReasonCode.MACHINE_KIND_MISMATCH]: r('焊机类型与登记不符', 'Machine kind differs from the registered kind'),
  [ReasonCode.ENTERPRISE_INACTIVE]: r('所属单位已停用', 'Enterprise is inactive', 'both'),
  [ReasonCode.WELDER_UNKNOWN]: r('焊工未登记', 'Welder is not registered'),
  [ReasonCode.WELDER_CODE_INVALID]: r('焊工码无效', 'Welder code is invalid'),
  [ReasonCode.WELDER_CODE_REVOKED]: r('焊工码已作废', 'Welder code has been revoked', 'both'),
  [ReasonCode.CODE_REVOKED]: r('二维码已作废', 'Code has been revoked', 'revoke'),
  // Also a revoke: the record a grant was obtained on left 'verified' (an employer's edit sends it back to the queue).
  [ReasonCode.CERTIFICATE_MISSING]: r('无有效特种作业操作证', 'No special-operation certificate on record', 'both'),
  [ReasonCode.CERTIFICATE_EXPIRED]: r('特种作业操作证已过期', 'Certificate has expired', 'both'),
  [ReasonCode.CERTIFICATE_REVIEW_OVERDUE]: r('特种作业操作证逾期未复审', 'Certificate review is overdue', 'both'),
  [ReasonCode.CERTIFICATE_SUSPENDED]: r('特种作业操作证已暂扣', 'Certificate is suspended', 'both'),
  [ReasonCode.CERTIFICATE_REVOKED]: r('特种作业操作证已吊销', 'Certificate has been revoked', 'both'),
  [ReasonCode.CERTIFICATE_WRONG_CATEGORY]: r(
    '操作证类别不是焊接与热切割作业',
    'Certificate is not for welding and thermal cutting',
  ),
  [ReasonCode.PHONE_SESSION_UNKNOWN]: r('扫码会话不存在', 'Phone session is unknown'),
  [ReasonCode.PHONE_SESSION_EXPIRED]: r('扫码会话已过期，请重新扫码', 'Phone session has expired, scan again'),
  [ReasonCode.PERMIT_REQUIRED]: r('需要动火作业许可', 'A hot-work permit is required'),
  [ReasonCode.PERMIT_NOT_FOUND]: r('动火作业许可不存在', 'Permit not found'),
  // Also a revoke: a special period (升级管理) in force that the permit's level falls short of.
  [ReasonCode.PERMIT_NOT_APPROVED]: r('动火作业许可未批准', 'Permit is not approved', 'both'),
  [ReasonCode.PERMIT_NOT_STARTED]: r('动火作业许可尚未生效', 'Permit has not started yet', 'deny', 'yes'),
  [ReasonCode.PERMIT_EXPIRED]: r('动火作业许可已过期', 'Permit has expired', 'both'),
  [ReasonCode.PERMIT_CLOSED]: r('动火作业许可已关闭', 'Permit is closed', 'both'),
  [ReasonCode.PERMIT_CANCELLED]: r('动火作业许可已撤销', 'Permit has been cancelled', 'both'),
  [ReasonCode.WELDER_NOT_NAMED]: r('该焊工不在许可作业人员名单中', 'Welder is not named on the permit'),
  [ReasonCode.MACHINE_NOT_NAMED]: r('该焊机不在许可设备清单中', 'Machine is not named on the permit'),
  [ReasonCode.OUTSIDE_GEOFENCE]: r('不在许可作业地点范围内', 'Outside the permitted work area', 'deny', 'yes'),
  [ReasonCode.POSITION_REQUIRED]: r(
    '无定位信息，请到开阔处重试',
    'No position fix, retry with a GNSS fix',
    'deny',
    'yes',
  ),
  [ReasonCode.POSITION_STALE]: r('定位信息过旧', 'Position fix is too old', 'deny', 'yes'),
  [ReasonCode.GAS_ANALYSIS_MISSING]: r('缺少动火分析结果', 'Gas analysis is missing'),
  [ReasonCode.GAS_ANALYSIS_STALE]: r('动火分析已超过30分钟', 'Gas analysis is older than allowed'),
  // Also a revoke: a failing analysis on a running permit suspends it and ends its live grants.
  [ReasonCode.GAS_ANALYSIS_FAILED]: r('动火分析不合格', 'Gas analysis failed', 'both'),
  [ReasonCode.GAS_RETEST_REQUIRED]: r(
    '作业中断超时，需重新进行动火分析',
    'Work paused too long, gas must be re-tested',
    'both',
  ),
  [ReasonCode.CONTINUOUS_GAS_MONITORING_REQUIRED]: r(
    '特级动火需连续气体监测',
    'Special-level hot work needs continuous gas monitoring',
  ),
  [ReasonCode.BLACKOUT_IN_FORCE]: r('当前处于禁止动火时段', 'Hot work is prohibited in this period', 'both'),
  [ReasonCode.NONCE_REUSED]: r('请求随机数重复', 'Nonce was already used'),
  [ReasonCode.SEQ_REPLAYED]: r('消息序号重复', 'Sequence number was already used'),
  [ReasonCode.REQUEST_EXPIRED]: r(
    '请求时间超出允许范围，请校准时钟',
    'Request time is outside the allowed skew, check the clock',
    'deny',
    'wait-for-server',
  ),
  [ReasonCode.BAD_SIGNATURE]: r('签名无效', 'Signature is invalid'),
  [ReasonCode.MALFORMED]: r('消息格式错误', 'Message is malformed'),
  [ReasonCode.RATE_LIMITED]: r('请求过于频繁，请稍后重试', 'Too many requests, retry later', 'deny', 'wait-for-server'),
  [ReasonCode.SERVER_ERROR]: r('平台暂时无法处理，请稍后重试', 'Server error, retry later', 'deny', 'wait-for-server'),
  [ReasonCode.DEVICE_CERT_REVOKED]: r(
    '设备证书已吊销，需重新绑定芯片',
    'Device certificate is revoked, bind the chip again',
    'renew',
  ),
  [ReasonCode.DEVICE_CERT_UNKNOWN]: r(
    '设备证书不属于该芯片',
    'Device certificate was not issued to this chip',
    'renew',
  ),
  [ReasonCode.DEVICE_CERT_KEY_MISMATCH]: r(
    '公钥与芯片绑定的公钥不符',
    'Public key differs from the key bound to the chip',
    'renew',
  ),
  [ReasonCode.GRANT_EXPIRED]: r('授权已到期', 'Authorization has expired', 'revoke'),
  [ReasonCode.REGULATOR_ORDER]: r('监管部门责令停止作业', 'Stopped by order of the regulator', 'revoke'),
  [ReasonCode.WORK_ENDED]: r('焊工已结束作业，焊机上锁', 'The welder ended the work; the machine is locked', 'revoke'),
};

export const REASON_CODES: readonly ReasonCode[] = Object.values(ReasonCode);
export const DENIAL_REASONS: readonly ReasonCode[] = REASON_CODES.filter(
  (c) => c !== ReasonCode.OK && (REASONS[c].use === 'deny' || REASONS[c].use === 'both'),
);
export const REVOKE_REASONS: readonly ReasonCode[] = REASON_CODES.filter(
  (c) => REASONS[c].use === 'revoke' || REASONS[c].use === 'both',
);
/** What a cert.denied may say (docs §3.4): the renewal codes and the message checks every request passes. */
export const CERT_DENIAL_REASONS: readonly ReasonCode[] = [
  ReasonCode.CHIP_NOT_BOUND,
  ReasonCode.MACHINE_RETIRED,
  ReasonCode.DEVICE_CERT_REVOKED,
  ReasonCode.DEVICE_CERT_UNKNOWN,
  ReasonCode.DEVICE_CERT_KEY_MISMATCH,
  ReasonCode.REQUEST_EXPIRED,
  ReasonCode.SEQ_REPLAYED,
  ReasonCode.MALFORMED,
  ReasonCode.RATE_LIMITED,
  ReasonCode.SERVER_ERROR,
];

export function isReasonCode(value: unknown): value is ReasonCode {
  return typeof value === 'string' && (REASON_CODES as readonly string[]).includes(value);
}

export function reasonMessage(code: ReasonCode): LocalizedText {
  return { ...REASONS[code].message };
}

/**
 * The one arm.denied body (docs §6.4): retryAfterS exactly for the codes that wait for the server, by
 * default SERVER_RETRY_AFTER_S (the rate limiter passes its own). A revoke-only code cannot be a denial
 * and is answered as SERVER_ERROR.
 */
export function armDeniedBody(
  requestId: string,
  reason: ReasonCode,
  opts: { message?: LocalizedText; retryAfterS?: number } = {},
): ArmDeniedBody {
  // A revoke-only or renewal-only code is no denial of an arm request.
  const revokeOnly = REASONS[reason].use === 'revoke' || REASONS[reason].use === 'renew';
  const code = revokeOnly ? ReasonCode.SERVER_ERROR : reason;
  const body: ArmDeniedBody = {
    requestId,
    reason: code,
    message: !revokeOnly && opts.message ? opts.message : reasonMessage(code),
  };
  if (REASONS[code].waitForServer)
    body.retryAfterS = (revokeOnly ? undefined : opts.retryAfterS) ?? SERVER_RETRY_AFTER_S;
  return body;
}

/** The one cert.denied body: retryAfterS exactly for the codes that wait for the server (as arm.denied). */
export function certDeniedBody(
  requestId: string,
  reason: ReasonCode,
  opts: { retryAfterS?: number } = {},
): CertDeniedBody {
  const code = CERT_DENIAL_REASONS.includes(reason) ? reason : ReasonCode.SERVER_ERROR;
  const body: CertDeniedBody = { requestId, reason: code, message: reasonMessage(code) };
  if (REASONS[code].waitForServer) body.retryAfterS = opts.retryAfterS ?? SERVER_RETRY_AFTER_S;
  return body;
}
