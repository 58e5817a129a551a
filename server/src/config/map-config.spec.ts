import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { insidePolygon } from '../permits/geofence';
import { DEMO_ENTERPRISES, DEMO_REGIONS } from '../seed/demo-data';
import { ConfigError, resolveMapConfig, validateEnvironment } from './app-config';
import { checkBoundaries, DEMO_BOUNDARIES_FILE, loadRegionBoundaries } from './map-config';

describe('map configuration', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arcgate-map-'));
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const square = (code: string) => ({
    type: 'Feature',
    properties: { code, name: '测试镇' },
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [116, 34],
          [116.1, 34],
          [116.1, 34.1],
          [116, 34],
        ],
      ],
    },
  });

  it('has no tiles by default and the demo boundaries when seeding demo data', () => {
    const map = resolveMapConfig(validateEnvironment({}));
    expect(map.tiles).toBeNull();
    expect(map.boundaries?.schematic).toBe(true);
    expect(resolveMapConfig(validateEnvironment({ SEED_DEMO_DATA: 'false' })).boundaries).toBeNull();
  });

  it('takes a tile provider only with its key', () => {
    expect(() => validateEnvironment({ MAP_TILES: 'amap' })).toThrow(/MAP_TILE_KEY must be set with MAP_TILES=amap/);
    expect(() => validateEnvironment({ MAP_TILES: 'google', MAP_TILE_KEY: 'abcdef0123456789' })).toThrow(
      /MAP_TILES must be one of/,
    );
    expect(() => validateEnvironment({ MAP_TILES: 'tianditu', MAP_TILE_KEY: 'short' })).toThrow(/MAP_TILE_KEY/);
    const map = resolveMapConfig(validateEnvironment({ MAP_TILES: 'tianditu', MAP_TILE_KEY: 'abcdef0123456789' }));
    expect(map.tiles).toEqual({ provider: 'tianditu', key: 'abcdef0123456789' });
  });

  it('stops start-up on a boundaries file that is missing, not JSON or not region polygons', () => {
    const bad = {
      missing: join(dir, 'nope.geojson'),
      notJson: file('a.geojson', '{'),
      notCollection: file('b.geojson', JSON.stringify({ type: 'Feature' })),
      noCode: file(
        'c.geojson',
        JSON.stringify({ type: 'FeatureCollection', features: [{ ...square('1'), properties: { name: 'x' } }] }),
      ),
      point: file(
        'd.geojson',
        JSON.stringify({
          type: 'FeatureCollection',
          features: [{ ...square('4114'), geometry: { type: 'Point', coordinates: [116, 34] } }],
        }),
      ),
      latLng: file(
        'e.geojson',
        JSON.stringify({
          type: 'FeatureCollection',
          features: [{ ...square('4114'), geometry: { type: 'Polygon', coordinates: [[[34, 200]]] } }],
        }),
      ),
    };
    for (const path of Object.values(bad))
      expect(() => resolveMapConfig(validateEnvironment({ MAP_BOUNDARIES_FILE: path }))).toThrow(ConfigError);
    expect(() => loadRegionBoundaries(bad.missing)).toThrow(/cannot read/);
    expect(() => loadRegionBoundaries(bad.noCode)).toThrow(/properties.code/);
    expect(() => loadRegionBoundaries(bad.point)).toThrow(/Polygon or MultiPolygon/);
    expect(() => loadRegionBoundaries(bad.latLng)).toThrow(/longitude, latitude/);
    const good = file('ok.geojson', JSON.stringify({ type: 'FeatureCollection', features: [square('4114')] }));
    const map = resolveMapConfig(validateEnvironment({ MAP_BOUNDARIES_FILE: good, SEED_DEMO_DATA: 'false' }));
    expect(map.boundaries).toEqual({
      type: 'FeatureCollection',
      schematic: false,
      features: [checkBoundaries({ type: 'FeatureCollection', features: [square('4114')] }).features[0]],
    });
  });

  it('ships schematic demo boundaries for every demo township, each demo enterprise inside its own', () => {
    const demo = loadRegionBoundaries(DEMO_BOUNDARIES_FILE);
    expect(demo.schematic).toBe(true);
    const byCode = new Map(demo.features.map((f) => [f.properties.code, f]));
    for (const r of DEMO_REGIONS.filter((x) => x.level !== 'village'))
      expect(byCode.get(r.code)?.properties.name).toBe(r.name);
    const ring = (code: string) =>
      (byCode.get(code)!.geometry.coordinates as number[][][])[0].map(([lng, lat]) => ({ lat, lng }));
    const holes = (code: string) =>
      (byCode.get(code)!.geometry.coordinates as number[][][])
        .slice(1)
        .map((h) => h.map(([lng, lat]) => ({ lat, lng })));
    for (const e of DEMO_ENTERPRISES) {
      const p = { lat: e.latitude, lng: e.longitude };
      expect(insidePolygon(ring(e.regionCode), p)).toBe(true);
      expect(holes(e.regionCode).some((h) => insidePolygon(h, p))).toBe(false);
      // and in no other township
      const others = demo.features.filter(
        (f) => f.properties.level === 'township' && f.properties.code !== e.regionCode,
      );
      for (const o of others)
        expect(
          insidePolygon(ring(o.properties.code), p) && !holes(o.properties.code).some((h) => insidePolygon(h, p)),
        ).toBe(false);
    }
  });
});
