import { apiFetch } from '../../api/client';
import type { components } from '../../api/schema';
import type { MapTiles } from './tiles';

export type MapSettings = components['schemas']['MapSettingsView'];
export type MapFeatures = components['schemas']['MapFeaturesView'];
export type MapMachine = components['schemas']['MapMachine'];
export type MapAlert = components['schemas']['MapAlert'];
export type MapPermit = components['schemas']['MapPermit'];
export type MapReport = components['schemas']['MapReport'];
export type MapPositionSource = NonNullable<MapMachine['positionSource']>;

/** GeoJSON of the region boundaries as GET /api/map/boundaries gives it. */
export interface RegionBoundaries {
  type: 'FeatureCollection';
  schematic: boolean;
  features: {
    type: 'Feature';
    properties: { code: string; name: string; level?: string };
    geometry: { type: 'Polygon' | 'MultiPolygon'; coordinates: number[][][] | number[][][][] };
  }[];
}

export interface MapBase {
  tiles: MapTiles | null;
  schematic: boolean;
  boundaries: RegionBoundaries | null;
}

let base: Promise<MapBase> | null = null;

/** Tiles and boundaries are the deployment's and the same for every page: fetched once per load. */
export function loadMapBase(): Promise<MapBase> {
  base ??= (async () => {
    const settings = await apiFetch<MapSettings>('/api/map/settings', { anonymous: true });
    const boundaries = settings.boundaries
      ? await apiFetch<RegionBoundaries>('/api/map/boundaries', { anonymous: true })
      : null;
    return { tiles: settings.tiles, schematic: settings.schematic, boundaries };
  })().catch((e: unknown) => {
    base = null;
    throw e;
  });
  return base;
}
