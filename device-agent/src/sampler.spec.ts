import { summarizeSamples } from '@arcgate/protocol';
import { ArcSampler, RELAY_SETTLE_MS, SamplerOutput } from './sampler';

/** Feeds `values` (current A) at 10 Hz from `t0`; returns outputs and the next time. */
function feed(s: ArcSampler, t0: number, values: number[], voltage = 24): { out: SamplerOutput[]; t: number } {
  const out: SamplerOutput[] = [];
  let t = t0;
  for (const v of values) {
    out.push(...s.sample(t, v, v > 0 ? voltage : 0));
    t += 100;
  }
  return { out, t };
}
const repeat = (v: number, n: number) => Array.from({ length: n }, () => v);

describe('ArcSampler', () => {
  it('needs at least 10 Hz', () => {
    expect(() => new ArcSampler({ sampleRateHz: 5, thresholdA: 5 })).toThrow(/10 Hz/);
  });

  it('starts an arc after 200 ms above the threshold and ignores shorter blips', () => {
    const s = new ArcSampler({ sampleRateHz: 10, thresholdA: 5 });
    s.setRelay(true, 0);
    expect(feed(s, 0, [120, 0, 120, 120, 0]).out).toEqual([]);
    const { out } = feed(s, 1000, [120, 121, 122]);
    expect(out).toEqual([{ type: 'arc_start', atMs: 1000 }]);
    expect(s.arcActive).toBe(true);
  });

  it('ends an arc after 500 ms below and summarises exactly the arc samples', () => {
    const s = new ArcSampler({ sampleRateHz: 10, thresholdA: 5 });
    s.setRelay(true, 0);
    const arc = [100, 110, 120, 130, 140, 0, 0, 150, 160]; // a 200 ms dip belongs to the arc
    const { out, t } = feed(s, 0, [...arc, ...repeat(0, 6)]);
    const stop = out.find((o) => o.type === 'arc_stop');
    expect(stop).toBeDefined();
    if (stop?.type !== 'arc_stop') return;
    const samples = [100, 110, 120, 130, 140, 0, 0, 150, 160];
    expect(stop.summary).toEqual({
      startedAt: new Date(0).toISOString(),
      endedAt: new Date(900).toISOString(),
      durationMs: 900,
      current: summarizeSamples(samples),
      voltage: summarizeSamples(samples.map((v) => (v > 0 ? 24 : 0))),
      samples: 9,
      sampleRateHz: 10,
    });
    expect(t).toBe(1500);
    expect(s.arcActive).toBe(false);
  });

  it('ends the arc at once when the relay opens', () => {
    const s = new ArcSampler({ sampleRateHz: 10, thresholdA: 5 });
    s.setRelay(true, 0);
    feed(s, 0, repeat(120, 5));
    const out = s.setRelay(false, 500);
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ type: 'arc_stop', summary: { durationMs: 500, samples: 5 } });
  });

  it('reports current with the relay open once per episode, after the relay has settled', () => {
    const s = new ArcSampler({ sampleRateHz: 10, thresholdA: 5 });
    s.setRelay(true, 0);
    s.setRelay(false, 1000);
    // Residual current right after the relay opened is not a bypass.
    expect(feed(s, 1000, [120, 80]).out).toEqual([]);
    const { out, t } = feed(s, 1000 + RELAY_SETTLE_MS, repeat(118, 10));
    expect(out).toEqual([{ type: 'bypass', active: true, currentA: 118 }]);
    const end = feed(s, t, repeat(0, 6));
    expect(end.out).toEqual([{ type: 'bypass', active: false, currentA: 118 }]);
    expect(feed(s, end.t, repeat(118, 3)).out).toEqual([{ type: 'bypass', active: true, currentA: 118 }]);
  });
});
