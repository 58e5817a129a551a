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

  describe('over-current', () => {
    // Limit 160 A: the cut needs every sample above 176 A (10 %) for 1 s.
    const armed = () => {
      const s = new ArcSampler({ sampleRateHz: 10, thresholdA: 5 });
      s.setCurrentLimit(160);
      s.setRelay(true, 0);
      return s;
    };
    const overs = (out: SamplerOutput[]) => out.filter((o) => o.type === 'over_current');

    it('reports once after 1 s above the margin, with the lowest current of the hold', () => {
      const s = armed();
      const { out, t } = feed(s, 0, [...repeat(150, 5), 200, 190, ...repeat(210, 8), 220, 230]);
      // The hold starts at the first sample above 176 A (t = 500) and trips at t = 1500.
      expect(overs(out)).toEqual([{ type: 'over_current', currentA: 190, limitA: 160 }]);
      expect(out.findIndex((o) => o.type === 'over_current')).toBe(out.length - 1);
      expect(overs(feed(s, t, repeat(260, 20)).out)).toEqual([]);
    });

    it('lets surges shorter than the hold pass, and a dip to the margin restarts the hold', () => {
      const s = armed();
      expect(overs(feed(s, 0, [...repeat(240, 9), 176, ...repeat(240, 9), 150, ...repeat(240, 9)]).out)).toEqual([]);
    });

    it('does nothing without a limit, with the relay open, and re-arms after the relay cycles', () => {
      const s = new ArcSampler({ sampleRateHz: 10, thresholdA: 5 });
      s.setRelay(true, 0);
      expect(overs(feed(s, 0, repeat(400, 30)).out)).toEqual([]);
      s.setCurrentLimit(160);
      s.setRelay(false, 3000);
      expect(overs(feed(s, 3000, repeat(400, 30)).out)).toEqual([]);
      s.setRelay(true, 6000);
      expect(overs(feed(s, 6000, repeat(400, 11)).out)).toHaveLength(1);
      s.setRelay(false, 7100);
      s.setRelay(true, 7200);
      expect(overs(feed(s, 7200, repeat(400, 11)).out)).toHaveLength(1);
    });

    it('changing the limit restarts the hold', () => {
      const s = armed();
      feed(s, 0, repeat(200, 8));
      s.setCurrentLimit(150);
      expect(overs(feed(s, 800, repeat(200, 10)).out)).toEqual([]);
      expect(overs(feed(s, 1800, [200]).out)).toEqual([{ type: 'over_current', currentA: 200, limitA: 150 }]);
    });
  });
});
