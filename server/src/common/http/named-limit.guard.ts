import { CanActivate, ExecutionContext, Injectable, OnModuleInit } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerStorage, ThrottlerGuard, ThrottlerOptions, ThrottlerStorage } from '@nestjs/throttler';

/**
 * A per-address limit of its own, independent of the log-in throttler that the global ThrottlerModule
 * carries. Each limit wraps its own ThrottlerGuard (sharing the global storage, kept apart by name)
 * instead of extending it, so no parent injection metadata leaks. Keyed on req.ip: behind a reverse proxy
 * that is the client only with TRUST_PROXY set (config/trust-proxy.ts).
 */
export abstract class NamedLimitGuard implements CanActivate, OnModuleInit {
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

/** Public pages that read the database (一公开 plans, the report form's regions): a person reads a few a minute. */
export const PUBLIC_READ_RATE_LIMIT = { name: 'publicRead', ttl: 60_000, limit: 60 } as const;

@Injectable()
export class PublicReadThrottlerGuard extends NamedLimitGuard {
  constructor(@InjectThrottlerStorage() storage: ThrottlerStorage, reflector: Reflector) {
    super(PUBLIC_READ_RATE_LIMIT, storage, reflector);
  }
}
