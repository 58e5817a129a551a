import {
  AlertOutlined,
  AuditOutlined,
  BarChartOutlined,
  BellOutlined,
  BankOutlined,
  DashboardOutlined,
  ExceptionOutlined,
  ScheduleOutlined,
  FileProtectOutlined,
  GiftOutlined,
  FileDoneOutlined,
  IdcardOutlined,
  NotificationOutlined,
  PictureOutlined,
  SendOutlined,
  SettingOutlined,
  SafetyCertificateOutlined,
  StopOutlined,
  TeamOutlined,
  ThunderboltOutlined,
  UserAddOutlined,
  UploadOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import type { ReactNode } from 'react';
import { ENTERPRISE_ROLES, type Role } from '../auth/session';

export interface MenuEntry {
  path: string;
  labelKey: string;
  icon: ReactNode;
}

const regulatorMenu: MenuEntry[] = [
  { path: '/console/overview', labelKey: 'menu.overview', icon: <DashboardOutlined /> },
  { path: '/console/alerts', labelKey: 'menu.alerts', icon: <AlertOutlined /> },
  { path: '/console/reports', labelKey: 'menu.reports', icon: <NotificationOutlined /> },
  { path: '/console/hazards', labelKey: 'menu.hazards', icon: <ExceptionOutlined /> },
  { path: '/console/hazard-statistics', labelKey: 'menu.hazardStats', icon: <BarChartOutlined /> },
  { path: '/console/inspections', labelKey: 'menu.inspections', icon: <ScheduleOutlined /> },
  { path: '/console/cases', labelKey: 'menu.cases', icon: <FileDoneOutlined /> },
  { path: '/console/rewards', labelKey: 'menu.rewards', icon: <GiftOutlined /> },
  { path: '/console/enforcement-statistics', labelKey: 'menu.enforcementStats', icon: <AuditOutlined /> },
  { path: '/console/off-platform', labelKey: 'menu.offPlatform', icon: <WarningOutlined /> },
  { path: '/console/ledgers/enterprises', labelKey: 'menu.enterprises', icon: <BankOutlined /> },
  { path: '/console/ledgers/machines', labelKey: 'menu.machines', icon: <ThunderboltOutlined /> },
  { path: '/console/ledgers/welders', labelKey: 'menu.welders', icon: <IdcardOutlined /> },
  {
    path: '/console/certificates/verification',
    labelKey: 'menu.certVerification',
    icon: <SafetyCertificateOutlined />,
  },
  { path: '/console/welder-photos', labelKey: 'menu.welderPhotos', icon: <PictureOutlined /> },
  { path: '/console/permits', labelKey: 'menu.permits', icon: <FileProtectOutlined /> },
  { path: '/console/audit', labelKey: 'menu.audit', icon: <AuditOutlined /> },
  { path: '/console/blackouts', labelKey: 'menu.blackouts', icon: <StopOutlined /> },
  { path: '/console/permit-rules', labelKey: 'menu.permitRules', icon: <SafetyCertificateOutlined /> },
  { path: '/console/registrations', labelKey: 'menu.registrations', icon: <UserAddOutlined /> },
  { path: '/console/accounts', labelKey: 'menu.accounts', icon: <TeamOutlined /> },
  { path: '/console/notification-rules', labelKey: 'menu.notificationRules', icon: <BellOutlined /> },
  { path: '/console/notification-deliveries', labelKey: 'menu.notificationDeliveries', icon: <SendOutlined /> },
  { path: '/console/notification-settings', labelKey: 'menu.notificationSettings', icon: <SettingOutlined /> },
];

const enterpriseMenu: MenuEntry[] = [
  { path: '/workspace/overview', labelKey: 'menu.overview', icon: <DashboardOutlined /> },
  { path: '/workspace/machines', labelKey: 'machines.workspaceTitle', icon: <ThunderboltOutlined /> },
  { path: '/workspace/welders', labelKey: 'welders.workspaceTitle', icon: <IdcardOutlined /> },
  { path: '/workspace/import', labelKey: 'menu.import', icon: <UploadOutlined /> },
  { path: '/workspace/permits', labelKey: 'menu.permits', icon: <FileProtectOutlined /> },
  { path: '/workspace/alerts', labelKey: 'menu.alerts', icon: <AlertOutlined /> },
  { path: '/workspace/hazards', labelKey: 'menu.hazards', icon: <ExceptionOutlined /> },
  { path: '/workspace/notification-settings', labelKey: 'menu.notificationSettings', icon: <SettingOutlined /> },
];

/** Enterprise admins manage their staff's accounts; safety managers do not. */
const enterpriseAdminMenu: MenuEntry[] = [
  ...enterpriseMenu,
  { path: '/workspace/accounts', labelKey: 'menu.accounts', icon: <TeamOutlined /> },
];

export function menuFor(role: Role): MenuEntry[] {
  if (role === 'enterprise_admin') return enterpriseAdminMenu;
  if (ENTERPRISE_ROLES.includes(role)) return enterpriseMenu;
  if (role === 'welder') return [];
  return regulatorMenu;
}

/** The alert list's entry, which carries the unseen-alerts badge. */
export function isAlertsEntry(e: MenuEntry): boolean {
  return e.path.endsWith('/alerts');
}

/** The permit list's entry, which carries the awaiting-my-signature badge (enterprise users). */
export function isPermitsEntry(e: MenuEntry): boolean {
  return e.path === '/workspace/permits';
}
