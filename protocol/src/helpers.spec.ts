import { extractWelderCode } from './identity-code';
import { DeviceEvent, interlockFor } from './messages';
import { batchEvents, summarizeSamples } from './telemetry';
import { reconnectDelayMs } from './timing';

describe('reconnectDelayMs', () => {
  it('doubles from 1 s to a 60 s cap', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 50].map((a) => reconnectDelayMs(a, 0.5))).toEqual([
      1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000,
    ]);
  });

  it('varies by ±20 %', () => {
    expect(reconnectDelayMs(0, 0)).toBe(800);
    expect(reconnectDelayMs(0, 0.999999)).toBe(1200);
    expect(reconnectDelayMs(10, 0)).toBe(48000);
    expect(reconnectDelayMs(-3, 0.5)).toBe(1000);
  });
});

describe('summarizeSamples', () => {
  it('computes min, max, mean and nearest-rank p95', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(summarizeSamples(samples)).toEqual({ min: 1, max: 100, mean: 50.5, p95: 95 });
    expect(summarizeSamples([150.04])).toEqual({ min: 150, max: 150, mean: 150, p95: 150 });
  });

  it('refuses an empty arc', () => {
    expect(() => summarizeSamples([])).toThrow(RangeError);
  });
});

describe('batchEvents', () => {
  const hb = (seq: number): DeviceEvent => ({
    seq,
    type: 'heartbeat',
    at: '2026-03-02T08:00:00.000Z',
    position: null,
    relayClosed: false,
    state: 'locked',
  });

  it('keeps order and caps batches at 100 events', () => {
    const batches = batchEvents(Array.from({ length: 250 }, (_, i) => hb(i + 1)));
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(batches.flat().map((e) => e.seq)).toEqual(Array.from({ length: 250 }, (_, i) => i + 1));
  });

  it('caps batches by bytes', () => {
    const size = Buffer.byteLength(JSON.stringify(hb(1))) + 1;
    const batches = batchEvents([hb(1), hb(2), hb(3)], 100, 2 + size * 2);
    expect(batches.map((b) => b.length)).toEqual([2, 1]);
    expect(() => batchEvents([hb(1)], 100, 10)).toThrow(RangeError);
    expect(batchEvents([])).toEqual([]);
  });
});

describe('extractWelderCode', () => {
  const code = 'W3F7K9M2QX4TB8N6RZ5HC1';
  it.each([
    code,
    code.toLowerCase(),
    ` ${code}\n`,
    `https://arcgate.example.cn/q/${code}`,
    `http://localhost:3000/q/${code}?src=label`,
  ])('reads %j', (scanned) => {
    expect(extractWelderCode(scanned)).toBe(code);
  });

  it.each(['', 'M3F7K9M2QX4TB8N6RZ5HC1', `https://x/q/${code}/extra`, 'https://x/q/%E0%A4%A', 'W123'])(
    'rejects %j',
    (scanned) => {
      expect(extractWelderCode(scanned)).toBeNull();
    },
  );
});

describe('interlockFor', () => {
  it('switches a contactor on electric machines and a fuel-gas valve on gas sets', () => {
    expect(interlockFor('electric_arc')).toBe('contactor');
    expect(interlockFor('resistance')).toBe('contactor');
    expect(interlockFor('gas')).toBe('gas_valve');
  });
});
