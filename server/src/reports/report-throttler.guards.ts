import { Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerStorage, InjectThrottlerStorage } from '@nestjs/throttler';
import { NamedLimitGuard } from '../common/http/named-limit.guard';

/** Reports per client address: plenty for people at a site (even behind a shared carrier address), few for a flood. */
export const PUBLIC_REPORT_RATE_LIMIT = { name: 'publicReport', ttl: 10 * 60_000, limit: 20 } as const;
/** Status look-ups per address per minute: a tracking code has 50 random bits, so guessing stays hopeless. */
export const REPORT_STATUS_RATE_LIMIT = { name: 'publicReportStatus', ttl: 60_000, limit: 30 } as const;

@Injectable()
export class PublicReportThrottlerGuard extends NamedLimitGuard {
  constructor(@InjectThrottlerStorage() storage: ThrottlerStorage, reflector: Reflector) {
    super(PUBLIC_REPORT_RATE_LIMIT, storage, reflector);
  }
}

@Injectable()
export class ReportStatusThrottlerGuard extends NamedLimitGuard {
  constructor(@InjectThrottlerStorage() storage: ThrottlerStorage, reflector: Reflector) {
    super(REPORT_STATUS_RATE_LIMIT, storage, reflector);
  }
}
