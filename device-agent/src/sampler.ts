/**
 * Arc detection and statistics from current/voltage samples taken at a fixed rate (≥ 10 Hz).
 * While the relay is closed: current ≥ threshold for 200 ms starts an arc, below it for 500 ms ends
 * it (or the relay opening ends it at once), and the arc's samples give arc.stop's statistics.
 * While the relay is open: current ≥ threshold for 200 ms is a bypass episode, reported once until
 * the current has been gone for 500 ms. No I/O: the agent feeds samples and acts on the results.
 * With a current limit set (the grant's maxCurrentA) and the relay closed, every sample above the
 * limit plus OVER_CURRENT_TOLERANCE for OVER_CURRENT_HOLD_MS is an over-current, reported once.
 */
import {
  ARC_END_DEBOUNCE_MS,
  ARC_START_DEBOUNCE_MS,
  MIN_SAMPLE_RATE_HZ,
  OVER_CURRENT_HOLD_MS,
  OVER_CURRENT_TOLERANCE,
  summarizeSamples,
} from '@arcgate/protocol';
import type { ArcSummary } from './state-machine.types';

/** After the relay opens, current may still be reported for a moment (sensor lag): not a bypass. */
export const RELAY_SETTLE_MS = 300;
/** Keeps a day-long arc from growing memory without bound; statistics use the most recent samples. */
export const MAX_ARC_SAMPLES = 100_000;

export type SamplerOutput =
  | { type: 'arc_start'; atMs: number }
  | { type: 'arc_stop'; summary: ArcSummary }
  | { type: 'bypass'; active: boolean; currentA: number }
  /** currentA: the lowest sample of the hold period, i.e. the current it stayed above. */
  | { type: 'over_current'; currentA: number; limitA: number };

export interface SamplerOptions {
  sampleRateHz: number;
  thresholdA: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export class ArcSampler {
  private relayClosed = false;
  private relayChangedAtMs = -Infinity;
  private aboveSinceMs: number | null = null;
  private belowSinceMs: number | null = null;
  private arc: { startedAtMs: number; current: number[]; voltage: number[] } | null = null;
  /** Samples of the start debounce (become the arc's first samples) or of a dip (kept if the arc goes on). */
  private held = { current: [] as number[], voltage: [] as number[] };
  private bypass: { peakA: number } | null = null;
  private currentLimitA: number | null = null;
  private over: { sinceMs: number; minA: number } | null = null;
  /** Reported for this closing of the relay: the cut that follows opens it, and that re-arms the check. */
  private overReported = false;

  constructor(private options: SamplerOptions) {
    if (!(options.sampleRateHz >= MIN_SAMPLE_RATE_HZ))
      throw new RangeError(`sample rate must be at least ${MIN_SAMPLE_RATE_HZ} Hz`);
  }

  get arcActive(): boolean {
    return this.arc !== null;
  }

  get bypassActive(): boolean {
    return this.bypass !== null;
  }

  setThreshold(thresholdA: number): void {
    this.options = { ...this.options, thresholdA };
  }

  /** null: no limit (no grant, or a grant without maxCurrentA). */
  setCurrentLimit(limitA: number | null): void {
    if (limitA === this.currentLimitA) return;
    this.currentLimitA = limitA;
    this.over = null;
  }

  /**
   * Ends a running arc now, without its current falling (the agent stops or loses the board): the
   * statistics so far, or none when no sample was taken yet. null: no arc.
   */
  interruptArc(nowMs: number): ArcSummary | null {
    const arc = this.arc;
    if (!arc) return null;
    this.arc = null;
    this.clearHeld();
    const endedAtMs = Math.max(nowMs, arc.startedAtMs);
    const base = {
      startedAt: iso(arc.startedAtMs),
      endedAt: iso(endedAtMs),
      durationMs: endedAtMs - arc.startedAtMs,
      sampleRateHz: this.options.sampleRateHz,
    };
    if (arc.current.length === 0) return { ...base, samples: 0 };
    return {
      ...base,
      current: summarizeSamples(arc.current),
      voltage: summarizeSamples(arc.voltage),
      samples: arc.current.length,
    };
  }

  /** The relay opening ends a running arc at once: whatever flows afterwards is not this arc. */
  setRelay(closed: boolean, nowMs: number): SamplerOutput[] {
    if (closed === this.relayClosed) return [];
    this.relayClosed = closed;
    this.relayChangedAtMs = nowMs;
    this.aboveSinceMs = null;
    this.belowSinceMs = null;
    this.over = null;
    this.overReported = false;
    this.clearHeld();
    const out: SamplerOutput[] = [];
    if (!closed && this.arc) out.push(this.finishArc(nowMs));
    return out;
  }

  sample(nowMs: number, currentA: number, voltageV: number): SamplerOutput[] {
    const above = currentA >= this.options.thresholdA;
    if (above) {
      this.aboveSinceMs ??= nowMs;
      this.belowSinceMs = null;
    } else {
      this.belowSinceMs ??= nowMs;
      this.aboveSinceMs = null;
    }
    if (!this.relayClosed) return this.sampleOpen(nowMs, currentA, above);
    const out = this.sampleClosed(nowMs, currentA, voltageV, above);
    const over = this.checkOverCurrent(nowMs, currentA);
    return over ? [...out, over] : out;
  }

  private checkOverCurrent(nowMs: number, currentA: number): SamplerOutput | null {
    const limitA = this.currentLimitA;
    if (limitA === null || this.overReported) return null;
    if (!(currentA > limitA * (1 + OVER_CURRENT_TOLERANCE))) {
      this.over = null;
      return null;
    }
    this.over ??= { sinceMs: nowMs, minA: currentA };
    this.over.minA = Math.min(this.over.minA, currentA);
    if (nowMs - this.over.sinceMs < OVER_CURRENT_HOLD_MS) return null;
    this.overReported = true;
    return { type: 'over_current', currentA: this.over.minA, limitA };
  }

  private sampleClosed(nowMs: number, currentA: number, voltageV: number, above: boolean): SamplerOutput[] {
    if (this.arc) {
      if (above) {
        // A dip shorter than the end debounce belongs to the arc.
        this.held.current.forEach((c, i) => this.record(c, this.held.voltage[i]));
        this.clearHeld();
        this.record(currentA, voltageV);
        return [];
      }
      this.hold(currentA, voltageV);
      if (this.belowSinceMs !== null && nowMs - this.belowSinceMs >= ARC_END_DEBOUNCE_MS)
        return [this.finishArc(this.belowSinceMs)];
      return [];
    }
    if (!above) {
      this.clearHeld();
      return [];
    }
    this.hold(currentA, voltageV);
    if (this.aboveSinceMs !== null && nowMs - this.aboveSinceMs >= ARC_START_DEBOUNCE_MS) {
      this.arc = { startedAtMs: this.aboveSinceMs, current: [], voltage: [] };
      this.held.current.forEach((c, i) => this.record(c, this.held.voltage[i]));
      this.clearHeld();
      return [{ type: 'arc_start', atMs: this.aboveSinceMs }];
    }
    return [];
  }

  private hold(currentA: number, voltageV: number): void {
    this.held.current.push(currentA);
    this.held.voltage.push(voltageV);
  }

  private clearHeld(): void {
    this.held = { current: [], voltage: [] };
  }

  private sampleOpen(nowMs: number, currentA: number, above: boolean): SamplerOutput[] {
    const settled = nowMs - this.relayChangedAtMs >= RELAY_SETTLE_MS;
    if (this.bypass) {
      if (above) this.bypass.peakA = Math.max(this.bypass.peakA, currentA);
      if (!above && this.belowSinceMs !== null && nowMs - this.belowSinceMs >= ARC_END_DEBOUNCE_MS) {
        const peak = this.bypass.peakA;
        this.bypass = null;
        return [{ type: 'bypass', active: false, currentA: peak }];
      }
      return [];
    }
    if (
      settled &&
      above &&
      this.aboveSinceMs !== null &&
      nowMs - Math.max(this.aboveSinceMs, this.relayChangedAtMs + RELAY_SETTLE_MS) >= ARC_START_DEBOUNCE_MS
    ) {
      this.bypass = { peakA: currentA };
      return [{ type: 'bypass', active: true, currentA }];
    }
    return [];
  }

  private record(currentA: number, voltageV: number): void {
    const arc = this.arc!;
    if (arc.current.length >= MAX_ARC_SAMPLES) {
      arc.current.shift();
      arc.voltage.shift();
    }
    arc.current.push(Math.max(0, currentA));
    arc.voltage.push(Math.max(0, voltageV));
  }

  private finishArc(endMs: number): SamplerOutput {
    const arc = this.arc!;
    this.arc = null;
    this.clearHeld();
    // Defensive: an arc always has its start samples, but statistics need at least one.
    const current = arc.current.length ? arc.current : [0];
    const voltage = arc.voltage.length ? arc.voltage : [0];
    const endedAtMs = Math.max(endMs, arc.startedAtMs);
    return {
      type: 'arc_stop',
      summary: {
        startedAt: iso(arc.startedAtMs),
        endedAt: iso(endedAtMs),
        durationMs: endedAtMs - arc.startedAtMs,
        current: summarizeSamples(current),
        voltage: summarizeSamples(voltage),
        samples: current.length,
        sampleRateHz: this.options.sampleRateHz,
      },
    };
  }
}
