import { CanActivate, ExecutionContext, Injectable, OnModuleInit, Type } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectThrottlerStorage, ThrottlerGuard, ThrottlerStorage } from '@nestjs/throttler';

export interface NamedLimit {
  name: string;
  ttl: number;
  limit: number;
}

/**
 * A guard with a per-address limit of its own (the public forms: registration, activation), sharing the
 * global throttler storage, kept apart by name. Same pattern as PublicScanThrottlerGuard: it wraps a
 * ThrottlerGuard instead of extending it, so no parent injection metadata leaks. Keyed on req.ip.
 */
export function namedThrottlerGuard(limit: NamedLimit): Type<CanActivate> {
  @Injectable()
  class NamedThrottlerGuard implements CanActivate, OnModuleInit {
    private readonly inner: ThrottlerGuard;

    constructor(@InjectThrottlerStorage() storage: ThrottlerStorage, reflector: Reflector) {
      this.inner = new ThrottlerGuard([{ ...limit }], storage, reflector);
    }

    onModuleInit(): Promise<void> {
      return this.inner.onModuleInit();
    }

    canActivate(ctx: ExecutionContext): Promise<boolean> {
      return this.inner.canActivate(ctx);
    }
  }
  Object.defineProperty(NamedThrottlerGuard, 'name', { value: `ThrottlerGuard_${limit.name}` });
  return NamedThrottlerGuard;
}
