import { namedThrottlerGuard } from '../common/http/named-throttler';

/** Reports per client address: plenty for people at a site (even behind a shared carrier address), few for a flood. */
export const PUBLIC_REPORT_RATE_LIMIT = { name: 'publicReport', ttl: 10 * 60_000, limit: 20 } as const;
/** Status look-ups per address per minute: a tracking code has 50 random bits, so guessing stays hopeless. */
export const REPORT_STATUS_RATE_LIMIT = { name: 'publicReportStatus', ttl: 60_000, limit: 30 } as const;

export const PublicReportThrottlerGuard = namedThrottlerGuard(PUBLIC_REPORT_RATE_LIMIT);
export const ReportStatusThrottlerGuard = namedThrottlerGuard(REPORT_STATUS_RATE_LIMIT);
