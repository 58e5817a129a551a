import { namedThrottlerGuard } from './named-throttler';

/** Public pages that read the database (一公开 plans, the report form's regions): a person reads a few a minute. */
export const PUBLIC_READ_RATE_LIMIT = { name: 'publicRead', ttl: 60_000, limit: 60 } as const;

export const PublicReadThrottlerGuard = namedThrottlerGuard(PUBLIC_READ_RATE_LIMIT);
