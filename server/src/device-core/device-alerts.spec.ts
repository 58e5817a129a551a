import { AlertType } from '../alerts/alert-type';
import { AlertsService, RaiseAlertInput } from '../alerts/alerts.service';
import { FakeClock } from '../common/clock/clock';
import { DeviceAlerts, REPEAT_MS } from './device-alerts';

describe('DeviceAlerts: repeats are aggregated, never dropped', () => {
  const clock = new FakeClock(new Date('2026-01-05T01:00:00Z'));
  let written: RaiseAlertInput[];
  let alerts: DeviceAlerts;
  const tamper = (n: number) => ({
    type: AlertType.TAMPER,
    chipId: 'C1',
    evidence: { n },
    dedupeKey: 'device:tamper:C1',
    occurredAt: clock.now(),
  });

  beforeEach(() => {
    jest.useFakeTimers();
    written = [];
    alerts = new DeviceAlerts(
      {
        raise: async (i: RaiseAlertInput) => {
          written.push(i);
          return {} as never;
        },
      } as unknown as AlertsService,
      clock,
    );
  });
  afterEach(() => jest.useRealTimers());

  it('writes the first at once and the repeats of the window as one write with their count, first time and latest evidence', async () => {
    expect(await alerts.raise(tamper(1))).toBe(true);
    const firstRepeatAt = (clock.advance(1000), clock.now());
    expect(await alerts.raise(tamper(2))).toBe(false);
    clock.advance(1000);
    expect(await alerts.raise(tamper(3))).toBe(false);
    expect(written).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(REPEAT_MS);
    expect(written).toHaveLength(2);
    expect(written[1]).toMatchObject({
      occurrences: 2,
      firstOccurredAt: firstRepeatAt,
      evidence: { n: 3 },
      dedupeKey: 'device:tamper:C1',
    });
  });

  it('repeats raised out of order (messages handled concurrently) are written with first ≤ last time', async () => {
    await alerts.raise(tamper(1));
    const t0 = clock.now();
    const later = new Date(t0.getTime() + 2000);
    const earlier = new Date(t0.getTime() + 1000);
    await alerts.raise({ ...tamper(2), occurredAt: later });
    await alerts.raise({ ...tamper(3), occurredAt: earlier });
    await alerts.flushRepeats();
    expect(written[1]).toMatchObject({
      occurrences: 2,
      firstOccurredAt: earlier,
      occurredAt: later,
      evidence: { n: 3 },
    });
  });

  it('a raise after the window writes pending repeats first, then itself', async () => {
    await alerts.raise(tamper(1));
    clock.advance(1000);
    await alerts.raise(tamper(2));
    clock.advance(REPEAT_MS);
    expect(await alerts.raise(tamper(3))).toBe(true);
    expect(written.map((w) => [w.evidence.n, w.occurrences ?? 1])).toEqual([
      [1, 1],
      [2, 1],
      [3, 1],
    ]);
  });

  it('a repeat raised while a flush is writing is not lost', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = new DeviceAlerts(
      {
        raise: async (i: RaiseAlertInput) => {
          if (i.occurrences) await gate;
          written.push(i);
          return {} as never;
        },
      } as unknown as AlertsService,
      clock,
    );
    await slow.raise(tamper(1));
    await slow.raise(tamper(2));
    const flushing = slow.flushRepeats();
    await slow.raise(tamper(3)); // arrives while the flush's write of tamper(2) waits
    release();
    await flushing;
    await slow.flushRepeats();
    const total = written.reduce((n, w) => n + (w.occurrences ?? 1), 0);
    expect(total).toBe(3);
  });

  it("repeats flushed while the window's first write is still in flight are written after it", async () => {
    const order: string[] = [];
    let release!: () => void;
    const slow = new DeviceAlerts(
      {
        raise: async (i: RaiseAlertInput) => {
          if (!i.occurrences) await new Promise<void>((r) => (release = r));
          order.push(i.occurrences ? `repeats:${i.occurrences}` : 'first');
          return {} as never;
        },
      } as unknown as AlertsService,
      clock,
    );
    const first = slow.raise(tamper(1));
    expect(await slow.raise(tamper(2))).toBe(false);
    expect(await slow.raise(tamper(3))).toBe(false);
    const flushed = slow.flushRepeats();
    await jest.advanceTimersByTimeAsync(0);
    expect(order).toEqual([]); // the repeats wait for the first
    release();
    expect(await first).toBe(true);
    await flushed;
    expect(order).toEqual(['first', 'repeats:2']);
  });

  it('repeats counted while the first write fails are written, not dropped with the window', async () => {
    let failFirst = true;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const failing = new DeviceAlerts(
      {
        raise: async (i: RaiseAlertInput) => {
          if (failFirst) {
            failFirst = false;
            await gate;
            throw new Error('connection reset');
          }
          written.push(i);
          return {} as never;
        },
      } as unknown as AlertsService,
      clock,
    );
    const first = failing.raise(tamper(1));
    clock.advance(10);
    await failing.raise(tamper(2));
    await failing.raise(tamper(3));
    release();
    expect(await first).toBe(false);
    expect(written.map((w) => [w.evidence.n, w.occurrences ?? 1])).toEqual([[3, 2]]);
  });

  it('a failed write of the repeats is retried by the next flush with the same count', async () => {
    let fail = false;
    const flaky = new DeviceAlerts(
      {
        raise: async (i: RaiseAlertInput) => {
          if (fail) {
            fail = false;
            throw new Error('deadlock');
          }
          written.push(i);
          return {} as never;
        },
      } as unknown as AlertsService,
      clock,
    );
    await flaky.raise(tamper(1));
    clock.advance(10);
    await flaky.raise(tamper(2));
    await flaky.raise(tamper(3));
    fail = true;
    await flaky.flushRepeats();
    expect(written).toHaveLength(1);
    await flaky.flushRepeats();
    expect(written.map((w) => [w.evidence.n, w.occurrences ?? 1])).toEqual([
      [1, 1],
      [3, 2],
    ]);
  });

  it('shutdown writes what is pending', async () => {
    await alerts.raise(tamper(1));
    await alerts.raise(tamper(2));
    await alerts.beforeApplicationShutdown();
    expect(written).toHaveLength(2);
    expect(written[1]).toMatchObject({ occurrences: 1 });
  });
});

describe('DeviceAlerts: unknown chips aggregate by source', () => {
  const clock = new FakeClock(new Date('2026-01-05T01:00:00Z'));
  let written: RaiseAlertInput[];
  let alerts: DeviceAlerts;

  beforeEach(() => {
    jest.useFakeTimers();
    written = [];
    alerts = new DeviceAlerts(
      {
        raise: async (i: RaiseAlertInput) => {
          written.push(i);
          return {} as never;
        },
      } as unknown as AlertsService,
      clock,
    );
  });
  afterEach(() => jest.useRealTimers());

  it('100 unknown chips from one address in 2 minutes: one alert key, counted 100, saying how many chips from where and for how long', async () => {
    for (let i = 0; i < 100; i++) {
      await alerts.unregistered(`C${String(i).padStart(20, '0')}`, { event: 'connect', remoteAddress: '10.9.8.7' });
      clock.advance(1200);
    }
    await alerts.flushRepeats();
    expect(new Set(written.map((w) => w.dedupeKey))).toEqual(new Set(['device:unregistered:address:10.9.8.7']));
    expect(written.reduce((n, w) => n + (w.occurrences ?? 1), 0)).toBe(100);
    const last = written.at(-1)!.evidence as { source: Record<string, unknown> };
    expect(last.source).toMatchObject({ remoteAddress: '10.9.8.7', distinctChips: 100, attempts: 100, minutes: 2 });
    expect((last.source.chipsSample as string[]).length).toBe(20);
    // Another address is another alert.
    await alerts.unregistered('C99999999999999999999', { event: 'connect', remoteAddress: '10.0.0.1' });
    expect(written.at(-1)!.dedupeKey).toBe('device:unregistered:address:10.0.0.1');
  });
});
