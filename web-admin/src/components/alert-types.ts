import type { AlertType } from '../api/types';

/** Alert types as the server names them: generated from its AlertType enum (npm run api:types). */
export { ALERT_TYPES } from '../api/types';

/** The four that mean welding outside the platform's control (the 非法作业排查 report). */
export const OFF_PLATFORM_TYPES = [
  'UNREGISTERED_DEVICE',
  'ARC_WITHOUT_GRANT',
  'UNLICENSED_ATTEMPT',
  'ACTIVITY_AT_INACTIVE_ENTERPRISE',
] as const satisfies readonly AlertType[];
