import { describe, expect, it } from 'vitest';
import { baseMapOf } from './tiles';

describe('base map tiles', () => {
  it('has none without a provider or key: the map draws boundaries only', () => {
    expect(baseMapOf(null)).toBeNull();
    expect(baseMapOf({ provider: 'tianditu', key: '' })).toBeNull();
  });

  it('loads 天地图 vector and label layers with the key, in WGS-84', () => {
    const spec = baseMapOf({ provider: 'tianditu', key: 'abc123' })!;
    expect(spec.datum).toBe('wgs84');
    expect(spec.layers.map((l) => l.url)).toEqual([
      expect.stringMatching(
        /^https:\/\/t\{s\}\.tianditu\.gov\.cn\/vec_w\/wmts\?.*LAYER=vec.*TILEMATRIX=\{z\}&TILEROW=\{y\}&TILECOL=\{x\}&tk=abc123$/,
      ),
      expect.stringMatching(/cva_w\/wmts\?.*LAYER=cva.*&tk=abc123$/),
    ]);
  });

  it('draws 高德 tiles in GCJ-02', () => {
    const spec = baseMapOf({ provider: 'amap', key: 'k1' })!;
    expect(spec.datum).toBe('gcj02');
    expect(spec.layers[0].url).toContain('x={x}&y={y}&z={z}');
  });
});
