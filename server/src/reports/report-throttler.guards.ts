import { CanActivate, ExecutionContext, Injectable, OnModuleInit } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerOptions, ThrottlerStorage, InjectThrottlerStorage } from '@nestjs/throttler';

/** Reports per client address: plenty for people at a site (even behind a shared carrier address), few for a flood. */
export const PUBLIC_REPORT_RATE_LIMIT = { name: 'publicReport', ttl: 10 * 60_000, limit: 20 } as const;
/** Status look-ups per address per minute: a tracking code has 50 random bits, so guessing stays hopeless. */
export const REPORT_STATUS_RATE_LIMIT = { name: 'publicReportStatus', ttl: 60_000, limit: 30 } as const;

/**
 * Same pattern as PublicScanThrottlerGuard: each limit wraps its own ThrottlerGuard (sharing the
 * global storage, kept apart by name) instead of extending it, so no parent injection metadata leaks.
 */
abstract class NamedLimitGuard implements CanActivate, OnModuleInit {
  private readonly inner: ThrottlerGuard;

  protected constructor(limit: ThrottlerOptions, storage: ThrottlerStorage, reflector: Reflector) {
    this.inner = new ThrottlerGuard([{ ...limit }], storage, reflector);
  }

  onModuleInit(): Promise<void> {
    return this.inner.onModuleInit();
  }

  canActivate(ctx: ExecutionContext): Promise<boolean> {
    return this.inner.canActivate(ctx);
  }
}

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
