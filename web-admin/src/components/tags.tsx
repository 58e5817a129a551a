import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

const SEVERITY_COLOR: Record<string, string> = { info: 'blue', warning: 'orange', critical: 'red' };
const ALERT_STATE_COLOR: Record<string, string> = { open: 'red', acknowledged: 'gold', closed: 'default' };
const MACHINE_STATUS_COLOR: Record<string, string> = {
  registered: 'blue',
  active: 'green',
  suspended: 'orange',
  retired: 'default',
};
const ENTERPRISE_STATUS_COLOR: Record<string, string> = { active: 'green', suspended: 'orange', closed: 'default' };
const CERT_COLOR: Record<string, string> = {
  valid: 'green',
  expiring_90d: 'gold',
  expired: 'red',
  review_overdue: 'orange',
  none: 'default',
  suspended: 'red',
  revoked: 'red',
  not_yet_valid: 'blue',
  unverified: 'gold',
};
const VERIFICATION_COLOR: Record<string, string> = { unverified: 'gold', verified: 'green', rejected: 'red' };
const PERMIT_COLOR: Record<string, string> = {
  draft: 'default',
  submitted: 'processing',
  approved: 'blue',
  rejected: 'red',
  active: 'green',
  suspended: 'red',
  expired: 'orange',
  cancelled: 'default',
  closed: 'default',
};
const BLACKOUT_COLOR: Record<string, string> = {
  scheduled: 'blue',
  active: 'red',
  ended: 'default',
  cancelled: 'default',
};

const DELIVERY_COLOR: Record<string, string> = { pending: 'blue', sending: 'processing', sent: 'green', failed: 'red' };

const COLORS = {
  severity: SEVERITY_COLOR,
  deliveryStatus: DELIVERY_COLOR,
  alertState: ALERT_STATE_COLOR,
  machineStatus: MACHINE_STATUS_COLOR,
  enterpriseStatus: ENTERPRISE_STATUS_COLOR,
  certState: CERT_COLOR,
  verification: VERIFICATION_COLOR,
  permitStatus: PERMIT_COLOR,
  blackoutStatus: BLACKOUT_COLOR,
} as const;

/** A coloured tag for an enum value, labelled through i18n (e.g. kind="severity" value="critical"). */
export function EnumTag({ kind, value }: { kind: keyof typeof COLORS; value: string | null | undefined }) {
  const { t } = useTranslation();
  if (!value) return <>—</>;
  return <Tag color={COLORS[kind][value] ?? 'default'}>{t(`${kind}.${value}`, { defaultValue: value })}</Tag>;
}
