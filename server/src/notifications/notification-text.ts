import { ALERT_TYPES, AlertSeverity, AlertType } from '../alerts/alert-type';
import { OutgoingMessage } from './channels/channel';
import { NotifyLevel } from './notification-types';

export const SEVERITY_ZH: Record<AlertSeverity, string> = { critical: '严重', warning: '警告', info: '提示' };
export const LEVEL_ZH: Record<NotifyLevel, string> = {
  enterprise_safety: '企业安全管理人员',
  enterprise_principal: '企业主要负责人',
  township: '乡镇监管部门',
  county: '县级监管部门',
  platform: '平台管理员',
};

/** 2026-01-05 16:00 (China time). */
export function chinaDateTime(at: Date): string {
  const t = new Date(at.getTime() + 8 * 3600_000).toISOString();
  return `${t.slice(0, 10)} ${t.slice(11, 16)}`;
}

/** Minutes since midnight of the China day. */
export function chinaMinuteOfDay(at: Date): number {
  const ms = (at.getTime() + 8 * 3600_000) % 86_400_000;
  return Math.floor((ms < 0 ? ms + 86_400_000 : ms) / 60_000);
}

export interface AlertMessageInput {
  alertId: string;
  alertType: string;
  severity: AlertSeverity;
  raisedAt: Date;
  enterpriseName: string | null;
  regionName: string | null;
  level: NotifyLevel;
  /** Minutes unacknowledged, for an escalation (a level after the first). */
  escalatedAfterMin: number | null;
  consoleUrl: string;
}

/** The alert message every channel renders (Chinese: its readers are the enterprise's and regulators' staff). */
export function alertMessage(i: AlertMessageInput): OutgoingMessage {
  const title = ALERT_TYPES[i.alertType as AlertType]?.titleZh ?? i.alertType;
  const head =
    i.escalatedAfterMin !== null ? `【告警升级·${SEVERITY_ZH[i.severity]}】` : `【${SEVERITY_ZH[i.severity]}告警】`;
  const lines = [
    ...(i.enterpriseName ? [`单位：${i.enterpriseName}`] : []),
    ...(i.regionName ? [`地区：${i.regionName}`] : []),
    `时间：${chinaDateTime(i.raisedAt)}`,
    ...(i.escalatedAfterMin !== null ? [`已超过 ${i.escalatedAfterMin} 分钟无人确认，现通知${LEVEL_ZH[i.level]}`] : []),
    `请登录 ArcGate 查看处理：${i.consoleUrl}`,
  ];
  return { title: `${head}${title}`.slice(0, 200), lines };
}

/** Whether `at` falls in quiet hours [start, end) of the China day (start after end: over midnight). */
export function inQuietHours(at: Date, startMin: number | null, endMin: number | null): boolean {
  if (startMin === null || endMin === null || startMin === endMin) return false;
  const m = chinaMinuteOfDay(at);
  return startMin < endMin ? m >= startMin && m < endMin : m >= startMin || m < endMin;
}

/** The end of the quiet hours `at` falls in. */
export function quietHoursEnd(at: Date, endMin: number): Date {
  const m = chinaMinuteOfDay(at);
  const ahead = (endMin - m + 1440) % 1440 || 1440;
  const next = new Date(at.getTime() + ahead * 60_000);
  next.setUTCSeconds(0, 0);
  return next;
}
