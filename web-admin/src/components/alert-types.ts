import { pathsApiStatsOffPlatformGetParametersQueryTypeValues } from '../api/schema';

/** Alert types as the server names them: generated from its AlertType enum (npm run api:types). */
export { ALERT_TYPES } from '../api/types';

/** The four that mean welding outside the platform's control (the 非法作业排查 report), as the server's filter accepts them. */
export const OFF_PLATFORM_TYPES = pathsApiStatsOffPlatformGetParametersQueryTypeValues;
