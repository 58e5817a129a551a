/** Who a routing level tells, in escalation order. */
export const NOTIFY_LEVELS = ['enterprise_safety', 'enterprise_principal', 'township', 'county', 'platform'] as const;
export type NotifyLevel = (typeof NOTIFY_LEVELS)[number];

/** Channels of the delivery log (in-app notifications are rows of their own, never retried). */
export const DELIVERY_CHANNELS = ['sms', 'email', 'wecom', 'dingtalk', 'feishu'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

/** Group robots: set on an enterprise or a region, not on a person. */
export const ROBOT_CHANNELS = ['wecom', 'dingtalk', 'feishu'] as const satisfies readonly DeliveryChannel[];
/** A person's own channels. */
export const PERSONAL_CHANNELS = ['sms', 'email'] as const satisfies readonly DeliveryChannel[];

export const NOTIFICATION_KINDS = ['alert', 'escalation', 'digest', 'delivery_failed'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const DELIVERY_STATUSES = ['pending', 'sending', 'sent', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * Why a delivery attempt failed, as the delivery log shows it (the console renders the code; the provider's
 * own words stay in the technical detail): unreachable (no connection), timeout, http_status (an HTTP error
 * status), bad_reply (not the provider's documented reply), provider_refused (the provider's error code),
 * not_configured (the deployment has no such provider), webhook_refused (the SSRF guard), unexpected.
 */
export const DELIVERY_FAILURES = [
  'unreachable',
  'timeout',
  'http_status',
  'bad_reply',
  'provider_refused',
  'not_configured',
  'webhook_refused',
  'unexpected',
] as const;
export type DeliveryFailure = (typeof DELIVERY_FAILURES)[number];

export const ENDPOINT_OWNERS = ['user', 'enterprise', 'region'] as const;
export type EndpointOwner = (typeof ENDPOINT_OWNERS)[number];
