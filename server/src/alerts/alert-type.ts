/** What happened. Device, permit and registry modules raise these through AlertsService.raise. */
export enum AlertType {
  /** 无授权起弧: arc without a valid grant (bypass or modified machine). */
  ARC_WITHOUT_GRANT = 'ARC_WITHOUT_GRANT',
  /** 未登记设备: a chip or device the registry does not know. */
  UNREGISTERED_DEVICE = 'UNREGISTERED_DEVICE',
  /** 无证/过期/非指定焊工尝试作业 (blocked). */
  UNLICENSED_ATTEMPT = 'UNLICENSED_ATTEMPT',
  REPEATED_DENIALS = 'REPEATED_DENIALS',
  /** 远程扫码启动: phone-initiated start far from the machine. */
  REMOTE_START_FAR_AWAY = 'REMOTE_START_FAR_AWAY',
  MACHINE_OVERUSE_24H = 'MACHINE_OVERUSE_24H',
  ARC_OUTSIDE_GEOFENCE = 'ARC_OUTSIDE_GEOFENCE',
  ARC_AFTER_PERMIT_END = 'ARC_AFTER_PERMIT_END',
  DEVICE_OFFLINE_DURING_PERMIT = 'DEVICE_OFFLINE_DURING_PERMIT',
  GAS_ABOVE_LIMIT = 'GAS_ABOVE_LIMIT',
  /** 动火分析不合格: a failing gas analysis on an approved permit suspended it (grants revoked, arming refused). */
  PERMIT_GAS_FAILED = 'PERMIT_GAS_FAILED',
  /** 超额定电流: the device cut an arc running past the machine's rated current (modified or overloaded machine). */
  OVER_CURRENT = 'OVER_CURRENT',
  /** 继电器反馈异常: the relay's auxiliary contact disagreed with the command (welded contacts cannot cut power). */
  RELAY_FAULT = 'RELAY_FAULT',
  /** 解锁/焊接中离线: offline while its last known state was armed or arcing; the board's hardware watchdog should have cut power. */
  DEVICE_OFFLINE_ARMED = 'DEVICE_OFFLINE_ARMED',
  /** 需现场检查: still offline ONSITE_CHECK_AFTER_S after going offline armed; nobody can see whether power really is cut. */
  DEVICE_ONSITE_CHECK = 'DEVICE_ONSITE_CHECK',
  /** 控制板失联: the agent lost its board (serial port or reports); the hardware watchdog has cut power. */
  BOARD_LINK_LOST = 'BOARD_LINK_LOST',
  /** 日志不可写: the device's journal cannot be written, so it refuses to arm. */
  DEVICE_JOURNAL_FAILED = 'DEVICE_JOURNAL_FAILED',
  /** 控制程序崩溃: the agent crashed with the relay closed; the hardware watchdog should have cut power. */
  AGENT_CRASHED = 'AGENT_CRASHED',
  /** 设备时钟偏差: a bound device's connect token was refused as expired or not yet valid, so its clock is off and it cannot get online. */
  DEVICE_CLOCK_SKEW = 'DEVICE_CLOCK_SKEW',
  /** 设备冒用身份: a bound chip tried to connect to the broker under another client id (which would drop the device using it). */
  DEVICE_IMPERSONATION = 'DEVICE_IMPERSONATION',
  CERTIFICATE_EXPIRING = 'CERTIFICATE_EXPIRING',
  CERTIFICATE_EXPIRED = 'CERTIFICATE_EXPIRED',
  /** Activity at a suspended or closed enterprise. */
  ACTIVITY_AT_INACTIVE_ENTERPRISE = 'ACTIVITY_AT_INACTIVE_ENTERPRISE',
  TAMPER = 'TAMPER',
  FORGED_MESSAGE = 'FORGED_MESSAGE',
  /** 设备报文洪泛: a chip sent more messages than its rate limit allows; the excess was refused unprocessed. */
  DEVICE_FLOOD = 'DEVICE_FLOOD',
  /** 设备报文被拒收: a correctly signed device message broke the body rules (raw message kept; events negatively acked). */
  DEVICE_MESSAGE_REJECTED = 'DEVICE_MESSAGE_REJECTED',
  /** 隐患整改逾期: a hazard's rectification deadline (责令限期整改) passed without a reported rectification (hazards/). */
  HAZARD_OVERDUE = 'HAZARD_OVERDUE',
  /** 告警推送失败: a notification could not be delivered after every retry (notifications/); platform alert, never pushed out again. */
  NOTIFICATION_DELIVERY_FAILED = 'NOTIFICATION_DELIVERY_FAILED',
}

export enum AlertSeverity {
  Info = 'info',
  Warning = 'warning',
  Critical = 'critical',
}

export enum AlertState {
  Open = 'open',
  Acknowledged = 'acknowledged',
  Closed = 'closed',
}

/** Ordering used when a repeat raise escalates an alert's severity. */
export const SEVERITY_RANK: Record<AlertSeverity, number> = {
  [AlertSeverity.Info]: 0,
  [AlertSeverity.Warning]: 1,
  [AlertSeverity.Critical]: 2,
};

/**
 * SEVERITY_RANK as a SQL expression over a severity column or value (`expr`), for the escalation
 * that runs inside the upsert (atomic under concurrency). NULL for a value outside the table.
 */
export function severityRankSql(expr: string): string {
  const arms = Object.entries(SEVERITY_RANK)
    .map(([severity, rank]) => `WHEN '${severity}' THEN ${rank}`)
    .join(' ');
  return `(CASE ${expr}::text ${arms} END)`;
}

export interface AlertTypeInfo {
  severity: AlertSeverity;
  titleZh: string;
  titleEn: string;
}

/** Default severity and titles per type, in one table. */
export const ALERT_TYPES: Record<AlertType, AlertTypeInfo> = {
  [AlertType.ARC_WITHOUT_GRANT]: {
    severity: AlertSeverity.Critical,
    titleZh: '无授权起弧（疑似绕过或改装设备）',
    titleEn: 'Arc without a valid grant (bypass or modified machine)',
  },
  [AlertType.UNREGISTERED_DEVICE]: {
    severity: AlertSeverity.Warning,
    titleZh: '未登记设备接入',
    titleEn: 'Unregistered device',
  },
  [AlertType.UNLICENSED_ATTEMPT]: {
    severity: AlertSeverity.Warning,
    titleZh: '无证、证书过期或非指定焊工尝试作业（已拦截）',
    titleEn: 'Attempt by an unlicensed, expired or unnamed welder (blocked)',
  },
  [AlertType.REPEATED_DENIALS]: {
    severity: AlertSeverity.Warning,
    titleZh: '多次被拒绝启动',
    titleEn: 'Repeated denials',
  },
  [AlertType.REMOTE_START_FAR_AWAY]: {
    severity: AlertSeverity.Warning,
    titleZh: '远距离扫码启动',
    titleEn: 'Phone-initiated start from far away',
  },
  [AlertType.MACHINE_OVERUSE_24H]: {
    severity: AlertSeverity.Warning,
    titleZh: '设备单日运行超过24小时',
    titleEn: 'Machine arcing more than 24 h in a day',
  },
  [AlertType.ARC_OUTSIDE_GEOFENCE]: {
    severity: AlertSeverity.Critical,
    titleZh: '电子围栏外起弧',
    titleEn: 'Arc outside the geofence',
  },
  [AlertType.ARC_AFTER_PERMIT_END]: {
    severity: AlertSeverity.Critical,
    titleZh: '动火作业票到期后仍在起弧',
    titleEn: 'Arc continuing after the permit ended',
  },
  [AlertType.DEVICE_OFFLINE_DURING_PERMIT]: {
    severity: AlertSeverity.Warning,
    titleZh: '作业票有效期内设备离线',
    titleEn: 'Device offline during an active permit',
  },
  [AlertType.GAS_ABOVE_LIMIT]: {
    severity: AlertSeverity.Critical,
    titleZh: '可燃气体浓度超限',
    titleEn: 'Gas above the limit',
  },
  [AlertType.PERMIT_GAS_FAILED]: {
    severity: AlertSeverity.Critical,
    titleZh: '动火分析不合格，作业票已暂停',
    titleEn: 'Gas analysis failed: permit suspended',
  },
  [AlertType.OVER_CURRENT]: {
    severity: AlertSeverity.Critical,
    titleZh: '焊接电流超过设备额定值（疑似改装或超载）',
    titleEn: "Welding current above the machine's rating (modified or overloaded machine suspected)",
  },
  [AlertType.RELAY_FAULT]: {
    severity: AlertSeverity.Critical,
    titleZh: '继电器（电磁阀）反馈异常：触点粘连或拒动，联锁可能失效',
    titleEn: 'Relay (valve) feedback fault: welded or stuck contacts, the interlock may not cut power',
  },
  [AlertType.DEVICE_OFFLINE_ARMED]: {
    severity: AlertSeverity.Critical,
    titleZh: '设备在解锁或焊接状态下离线（控制板硬件看门狗应已切断电源）',
    titleEn: "Device went offline while armed or arcing (the board's hardware watchdog should have cut power)",
  },
  [AlertType.DEVICE_ONSITE_CHECK]: {
    severity: AlertSeverity.Critical,
    titleZh: '解锁状态下离线的设备长时间未恢复，请立即到现场检查是否已断电',
    titleEn: 'Device offline since it was armed has not returned: check on site that power is cut',
  },
  [AlertType.BOARD_LINK_LOST]: {
    severity: AlertSeverity.Critical,
    titleZh: '设备控制板失联（硬件看门狗已切断电源）',
    titleEn: 'Device lost its control board (the hardware watchdog has cut power)',
  },
  [AlertType.DEVICE_JOURNAL_FAILED]: {
    severity: AlertSeverity.Warning,
    titleZh: '设备日志无法写入，设备拒绝解锁',
    titleEn: 'Device journal cannot be written; the device refuses to arm',
  },
  [AlertType.AGENT_CRASHED]: {
    severity: AlertSeverity.Warning,
    titleZh: '设备控制程序在解锁状态下崩溃（硬件看门狗应已切断电源）',
    titleEn: 'Device agent crashed while armed (the hardware watchdog should have cut power)',
  },
  [AlertType.DEVICE_CLOCK_SKEW]: {
    severity: AlertSeverity.Warning,
    titleZh: '设备时钟偏差',
    titleEn: 'Device clock off',
  },
  [AlertType.DEVICE_IMPERSONATION]: {
    severity: AlertSeverity.Critical,
    titleZh: '设备冒用其他设备身份连接（已拒绝）',
    titleEn: 'Device tried to connect as another device (refused)',
  },
  [AlertType.CERTIFICATE_EXPIRING]: {
    severity: AlertSeverity.Info,
    titleZh: '特种作业操作证即将到期',
    titleEn: 'Certificate due to expire',
  },
  [AlertType.CERTIFICATE_EXPIRED]: {
    severity: AlertSeverity.Critical,
    titleZh: '特种作业操作证已过期',
    titleEn: 'Certificate expired',
  },
  [AlertType.ACTIVITY_AT_INACTIVE_ENTERPRISE]: {
    severity: AlertSeverity.Critical,
    titleZh: '停产或注销单位有作业活动',
    titleEn: 'Activity at a suspended or closed enterprise',
  },
  [AlertType.TAMPER]: { severity: AlertSeverity.Critical, titleZh: '设备防拆报警', titleEn: 'Tamper detected' },
  [AlertType.FORGED_MESSAGE]: {
    severity: AlertSeverity.Critical,
    titleZh: '伪造或签名无效的设备报文',
    titleEn: 'Forged device message',
  },
  [AlertType.DEVICE_FLOOD]: {
    severity: AlertSeverity.Warning,
    titleZh: '设备报文过于频繁（超出部分已拒收）',
    titleEn: 'Device message flood (the excess was refused)',
  },
  [AlertType.DEVICE_MESSAGE_REJECTED]: {
    severity: AlertSeverity.Warning,
    titleZh: '设备报文格式错误（已拒收并留存原文）',
    titleEn: 'Malformed device message (refused, raw message kept)',
  },
  [AlertType.HAZARD_OVERDUE]: {
    severity: AlertSeverity.Warning,
    titleZh: '隐患整改逾期未完成',
    titleEn: 'Hazard rectification overdue',
  },
  [AlertType.NOTIFICATION_DELIVERY_FAILED]: {
    severity: AlertSeverity.Warning,
    titleZh: '告警推送失败（已多次重试）',
    titleEn: 'Notification could not be delivered (retries exhausted)',
  },
};
