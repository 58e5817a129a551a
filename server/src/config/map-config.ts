import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Base-map tile providers the web map knows (web-admin/src/components/map/tiles.ts builds their URLs). */
export const MAP_TILE_PROVIDERS = ['none', 'tianditu', 'amap'] as const;
export type MapTileProvider = (typeof MAP_TILE_PROVIDERS)[number];

export interface BoundaryFeature {
  type: 'Feature';
  properties: { code: string; name: string; level?: string };
  geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: unknown };
}

/** Region boundaries for the map: a GeoJSON FeatureCollection (WGS-84), one feature per region code. */
export interface RegionBoundaries {
  type: 'FeatureCollection';
  /** The file says of itself that it is schematic (the demo's), not official boundaries. */
  schematic: boolean;
  features: BoundaryFeature[];
}

/** What the map runs with (MAP_TILES, MAP_TILE_KEY, MAP_BOUNDARIES_FILE). */
export interface MapConfig {
  tiles: { provider: Exclude<MapTileProvider, 'none'>; key: string } | null;
  boundaries: RegionBoundaries | null;
}

/**
 * server/src/config and server/dist/config sit at the same depth, so one relative path finds the
 * demo's schematic boundaries (server/assets/map) from both.
 */
export const DEMO_BOUNDARIES_FILE = resolve(__dirname, '..', '..', 'assets', 'map', 'xiayi-demo-boundaries.geojson');

const MAX_BOUNDARIES_BYTES = 20 * 1024 * 1024;

/** Reads and checks a boundaries file; throws an Error whose message says what is wrong with it. */
export function loadRegionBoundaries(path: string): RegionBoundaries {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (text.length > MAX_BOUNDARIES_BYTES) throw new Error(`${path} is larger than 20 MB`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not JSON`);
  }
  return checkBoundaries(doc, path);
}

export function checkBoundaries(doc: unknown, path = 'boundaries'): RegionBoundaries {
  const fc = doc as { type?: unknown; features?: unknown; schematic?: unknown };
  if (!fc || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features))
    throw new Error(`${path} is not a GeoJSON FeatureCollection`);
  const features: BoundaryFeature[] = fc.features.map((f: unknown, i: number) => {
    const feature = f as { type?: unknown; properties?: Record<string, unknown>; geometry?: Record<string, unknown> };
    const where = `${path}: feature ${i}`;
    if (feature?.type !== 'Feature') throw new Error(`${where} is not a Feature`);
    const code = feature.properties?.code;
    const name = feature.properties?.name;
    if (typeof code !== 'string' || !/^\d{2,12}$/.test(code))
      throw new Error(`${where} has no properties.code (the region code, 2-12 digits)`);
    if (typeof name !== 'string' || !name.trim()) throw new Error(`${where} has no properties.name`);
    const g = feature.geometry;
    if (!g || (g.type !== 'Polygon' && g.type !== 'MultiPolygon') || !Array.isArray(g.coordinates))
      throw new Error(`${where} (${code}) is not a Polygon or MultiPolygon`);
    let positions: number[][];
    try {
      positions = positionsIn(g.coordinates);
    } catch (e) {
      throw new Error(`${where} (${code}): ${(e as Error).message}`);
    }
    if (!positions.length || !positions.every(([lng, lat]) => Math.abs(lng) <= 180 && Math.abs(lat) <= 90))
      throw new Error(`${where} (${code}) has a position that is not [longitude, latitude] in degrees`);
    const level = feature.properties?.level;
    return {
      type: 'Feature',
      properties: { code, name, ...(typeof level === 'string' ? { level } : {}) },
      geometry: { type: g.type, coordinates: g.coordinates },
    };
  });
  return { type: 'FeatureCollection', schematic: fc.schematic === true, features };
}

function positionsIn(coords: unknown): number[][] {
  if (!Array.isArray(coords)) throw new Error('coordinates must be arrays');
  if (coords.length >= 2 && typeof coords[0] === 'number') {
    if (typeof coords[1] !== 'number') throw new Error('a position must be two numbers');
    return [coords as number[]];
  }
  return coords.flatMap((c) => positionsIn(c));
}
