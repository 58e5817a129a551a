import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AlertType } from '../alerts/alert-type';
import { AlertsService, RaiseAlertInput } from '../alerts/alerts.service';
import { Clock } from '../common/clock/clock';

/**
 * Raises device alerts without ever throwing into the message path. The first raise of a dedupe key
 * is written at once; repeats within REPEAT_MS after it are counted in memory and written as one
 * aggregated bump (count, first and last time, latest evidence) when the window ends, so a device
 * (or an attacker) flooding the broker cannot turn every message into an alert upsert, yet no
 * repeat is dropped without a trace. Pending repeats are also written on shutdown (a crash loses only the count of
 * repeats not yet written; the first raise of each window is always written at once).
 */
export const REPEAT_MS = 60_000;
const MAX_KEYS = 50_000;
/** An unknown-chip source silent this long starts a new count. */
export const SOURCE_EPISODE_GAP_MS = 60 * 60_000;
const MAX_SOURCES = 10_000;
/** Distinct chip ids counted per source (beyond: "at least"); a sample of the latest goes into the evidence. */
const MAX_DISTINCT_CHIPS = 10_000;
const CHIP_SAMPLE = 20;

type KeyedInput = RaiseAlertInput & { dedupeKey: string };

interface Window {
  /** When the window's first raise was written (clock ms). */
  openedAt: number;
  /**
   * Repeats not yet written: the earliest and latest time among them (messages handled concurrently,
   * as through an external broker, raise out of order) and the latest input raised.
   */
  pending: number;
  firstAt?: Date;
  lastAt?: Date;
  latest?: KeyedInput;
  timer?: NodeJS.Timeout;
  /** Settles when the window's first raise is written: its repeats are written after it, never beside it. */
  first?: Promise<unknown>;
}

@Injectable()
export class DeviceAlerts implements BeforeApplicationShutdown {
  private readonly logger = new Logger('DeviceAlerts');
  private readonly windows = new Map<string, Window>();
  private readonly unknownSources = new Map<
    string,
    { firstAt: Date; lastAt: Date; attempts: number; chips: Set<string> }
  >();

  constructor(
    private readonly alerts: AlertsService,
    private readonly clock: Clock,
  ) {}

  /** True when the alert was written now; false when it was counted as a repeat (written at the window's end) or failed. */
  async raise(input: KeyedInput): Promise<boolean> {
    const now = this.clock.now().getTime();
    const w = this.windows.get(input.dedupeKey);
    if (w && now - w.openedAt < REPEAT_MS && now >= w.openedAt) {
      const at = input.occurredAt ?? new Date(now);
      w.pending++;
      if (!w.firstAt || at < w.firstAt) w.firstAt = at;
      if (!w.lastAt || at > w.lastAt) w.lastAt = at;
      w.latest = input;
      // Real time, not the clock: a fake or offset clock must not keep repeats unwritten.
      w.timer ??= setTimeout(
        () => void this.writeRepeats(input.dedupeKey),
        Math.max(0, REPEAT_MS - (now - w.openedAt)),
      ).unref();
      return false;
    }
    if (w?.pending) await this.writeRepeats(input.dedupeKey);
    if (this.windows.size > MAX_KEYS) await this.flushRepeats();
    const written = this.alerts.raise(input);
    const window: Window = { openedAt: now, pending: 0, first: written.catch(() => undefined) };
    this.windows.set(input.dedupeKey, window);
    try {
      await written;
      return true;
    } catch (e) {
      this.logger.error(`could not raise ${input.type} (${input.dedupeKey}): ${(e as Error).message}`);
      // The repeats counted on this window would vanish with it: they are written as the alert's first raise.
      if (this.windows.get(input.dedupeKey) === window) this.windows.delete(input.dedupeKey);
      if (window.pending && window.latest) {
        const { pending, firstAt, lastAt, latest } = window;
        window.pending = 0;
        if (window.timer) clearTimeout(window.timer);
        await this.alerts
          .raise({ ...latest, occurrences: pending, firstOccurredAt: firstAt, occurredAt: lastAt ?? latest.occurredAt })
          .catch((again: Error) =>
            this.logger.error(`could not record ${pending} repeat(s) of ${latest.type} either: ${again.message}`),
          );
      }
      return false;
    }
  }

  /**
   * Unknown chips aggregate by where they come from, not by chip: a scan of 100 invented chip ids from
   * one address is one alert saying "100 unknown chips from X in M minutes" (count = attempts,
   * evidence = the source summary with a sample of chip ids). The source is the remote address when
   * the broker reported it (CONNECT), else how it arrived (a publish through an open broker).
   */
  unregistered(chipId: string, evidence: Record<string, unknown>): Promise<boolean> {
    const address =
      typeof evidence.remoteAddress === 'string' && evidence.remoteAddress
        ? evidence.remoteAddress.slice(0, 100)
        : null;
    const source = address
      ? `address:${address}`
      : `via:${typeof evidence.event === 'string' ? evidence.event : 'unknown'}`;
    const now = this.clock.now();
    let agg = this.unknownSources.get(source);
    if (!agg || now.getTime() - agg.lastAt.getTime() > SOURCE_EPISODE_GAP_MS) {
      if (this.unknownSources.size >= MAX_SOURCES) this.unknownSources.clear();
      agg = { firstAt: now, lastAt: now, attempts: 0, chips: new Set() };
      this.unknownSources.set(source, agg);
    }
    agg.attempts++;
    agg.lastAt = now;
    if (agg.chips.size < MAX_DISTINCT_CHIPS) agg.chips.add(chipId);
    const distinct = agg.chips.size;
    const summary = {
      remoteAddress: address,
      distinctChips: distinct,
      distinctChipsCapped: distinct >= MAX_DISTINCT_CHIPS,
      attempts: agg.attempts,
      chipsSample: [...agg.chips].slice(-CHIP_SAMPLE),
      firstAt: agg.firstAt.toISOString(),
      lastAt: agg.lastAt.toISOString(),
      minutes: Math.max(1, Math.ceil((agg.lastAt.getTime() - agg.firstAt.getTime()) / 60_000)),
    };
    return this.raise({
      type: AlertType.UNREGISTERED_DEVICE,
      chipId,
      enterpriseId: null,
      occurredAt: now,
      evidence: { chipId, ...evidence, source: summary },
      dedupeKey: `device:unregistered:${source}`,
    });
  }

  /** A bound chip refused at CONNECT because its clock is off; one alert per chip, repeated reconnects aggregate into its count. */
  clockSkew(
    chip: { chipId: string; machineId: string; enterpriseId: string },
    evidence: Record<string, unknown>,
  ): Promise<boolean> {
    return this.raise({
      type: AlertType.DEVICE_CLOCK_SKEW,
      chipId: chip.chipId,
      machineId: chip.machineId,
      enterpriseId: chip.enterpriseId,
      evidence: { chipId: chip.chipId, ...evidence },
      dedupeKey: `device:clock-skew:${chip.chipId}`,
    });
  }

  /**
   * Writes every pending repeat now and forgets the windows (tests; shutdown; a full map). A window
   * that gained repeats while its write was in flight is kept (its timer writes them): forgetting it
   * would lose their count.
   */
  async flushRepeats(): Promise<void> {
    for (const key of [...this.windows.keys()]) {
      await this.writeRepeats(key);
      const w = this.windows.get(key);
      if (w && !w.pending) {
        if (w.timer) clearTimeout(w.timer);
        this.windows.delete(key);
      }
    }
  }

  /** Before the database connections close (they do in onApplicationShutdown). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.flushRepeats();
  }

  private async writeRepeats(key: string): Promise<void> {
    const w = this.windows.get(key);
    if (!w) return;
    if (w.timer) clearTimeout(w.timer);
    w.timer = undefined;
    // A bump racing the first insert of its alert could be lost or open a second row (seen in CI: count 1 of 3).
    await w.first;
    if (!w.pending || !w.latest) return;
    const { pending, firstAt, lastAt, latest } = w;
    w.pending = 0;
    w.firstAt = undefined;
    w.lastAt = undefined;
    w.latest = undefined;
    try {
      await this.alerts.raise({
        ...latest,
        occurrences: pending,
        firstOccurredAt: firstAt,
        occurredAt: lastAt ?? latest.occurredAt,
      });
    } catch (e) {
      this.logger.error(`could not record ${pending} repeat(s) of ${latest.type} (${key}): ${(e as Error).message}`);
      // Counted again on the window (if it still stands) so that the next flush or timer retries the write.
      const still = this.windows.get(key);
      if (still) {
        still.pending += pending;
        if (firstAt && (!still.firstAt || firstAt < still.firstAt)) still.firstAt = firstAt;
        if (lastAt && (!still.lastAt || lastAt > still.lastAt)) still.lastAt = lastAt;
        still.latest ??= latest;
        still.timer ??= setTimeout(() => void this.writeRepeats(key), REPEAT_MS).unref();
      }
    }
  }
}
