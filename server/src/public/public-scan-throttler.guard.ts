import { CanActivate, ExecutionContext, Injectable, OnModuleInit } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerStorage, ThrottlerGuard, ThrottlerStorage } from '@nestjs/throttler';

/** Scans per client address per minute: generous for people at a site, tight for code enumeration. */
export const PUBLIC_SCAN_RATE_LIMIT = { name: 'publicScan', ttl: 60_000, limit: 60 } as const;

/**
 * Its own limit, independent of the log-in throttler that the global ThrottlerModule carries.
 * Wraps a ThrottlerGuard rather than extending it: the parent's constructor injection metadata
 * would otherwise leak into this class. Keyed on req.ip: behind a reverse proxy that is the client
 * only with TRUST_PROXY set (config/trust-proxy.ts).
 */
@Injectable()
export class PublicScanThrottlerGuard implements CanActivate, OnModuleInit {
  private readonly inner: ThrottlerGuard;

  constructor(@InjectThrottlerStorage() storage: ThrottlerStorage, reflector: Reflector) {
    this.inner = new ThrottlerGuard([{ ...PUBLIC_SCAN_RATE_LIMIT }], storage, reflector);
  }

  onModuleInit(): Promise<void> {
    return this.inner.onModuleInit();
  }

  canActivate(ctx: ExecutionContext): Promise<boolean> {
    return this.inner.canActivate(ctx);
  }
}
