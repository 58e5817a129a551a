import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  ARM_REQUEST_RATE_BURST,
  ARM_REQUEST_RATE_PER_S,
  DEVICE_MESSAGE_RATE_BURST,
  DEVICE_MESSAGE_RATE_PER_S,
} from '@arcgate/protocol';
import { Clock } from '../common/clock/clock';
import { APP_CONFIG, AppConfig } from '../config/app-config';

export interface BucketSpec {
  /** Burst: tokens a quiet chip has. */
  capacity: number;
  /** Tokens added per second. */
  perSecond: number;
}

/**
 * Per chip and message class: arm.request is what costs the database and the authorization engine,
 * so it gets a tight budget (a welder re-scanning after a denial stays far below it); status and
 * events share a generous one (an offline catch-up sends one batch per ack round trip).
 */
export const DEVICE_RATE_LIMITS = {
  arm: { capacity: ARM_REQUEST_RATE_BURST, perSecond: ARM_REQUEST_RATE_PER_S },
  other: { capacity: DEVICE_MESSAGE_RATE_BURST, perSecond: DEVICE_MESSAGE_RATE_PER_S },
} as const satisfies Record<string, BucketSpec>;
export type RateClass = keyof typeof DEVICE_RATE_LIMITS;

const MAX_BUCKETS = 200_000;

interface Bucket {
  tokens: number;
  at: number;
}

export type RateVerdict = { ok: true } | { ok: false; retryAfterS: number };

/**
 * The clock the buckets refill by. Load is measured in real elapsed time, not in the business time
 * the app's Clock gives (tests freeze or jump that one, and a jumped clock must not refill every
 * bucket): monotonic by default, injectable (RATE_LIMIT_CLOCK) for tests.
 */
export const RATE_LIMIT_CLOCK = Symbol('RATE_LIMIT_CLOCK');

export class MonotonicClock extends Clock {
  private readonly origin = Date.now() - performance.now();
  now(): Date {
    return new Date(this.origin + performance.now());
  }
}

/** Token buckets behind an injectable clock; in memory, O(1), no database on either path. */
@Injectable()
export class DeviceRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly clock: Clock;

  /** Replaceable in tests. */
  limits: Record<RateClass, BucketSpec> = DEVICE_RATE_LIMITS;

  constructor(@Optional() @Inject(RATE_LIMIT_CLOCK) clock?: Clock, @Optional() @Inject(APP_CONFIG) config?: AppConfig) {
    this.clock = clock ?? new MonotonicClock();
    if (config?.deviceRateLimits) this.limits = { ...DEVICE_RATE_LIMITS, ...config.deviceRateLimits };
  }

  /** The same clock, for a second limiter on the answers. */
  get clockForAnswers(): Clock {
    return this.clock;
  }

  take(chipId: string, cls: RateClass): RateVerdict {
    const spec = this.limits[cls];
    const now = this.clock.now().getTime();
    const key = `${cls}:${chipId}`;
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= MAX_BUCKETS) this.pruneFull(now);
      b = { tokens: spec.capacity, at: now };
      this.buckets.set(key, b);
    } else {
      // A clock stepping back adds nothing.
      b.tokens = Math.min(spec.capacity, b.tokens + (Math.max(0, now - b.at) / 1000) * spec.perSecond);
      b.at = Math.max(b.at, now);
    }
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterS: Math.max(1, Math.ceil((1 - b.tokens) / spec.perSecond)) };
  }

  /** Buckets that have refilled completely carry no information: dropping them is free. */
  private pruneFull(now: number): void {
    for (const [key, b] of this.buckets) {
      const spec = this.limits[key.slice(0, key.indexOf(':')) as RateClass];
      if (b.tokens + ((now - b.at) / 1000) * spec.perSecond >= spec.capacity) this.buckets.delete(key);
    }
    if (this.buckets.size >= MAX_BUCKETS) this.buckets.clear();
  }
}
