import { useEffect, useState } from 'react';
import { apiFetch } from '../api/client';
import type { RegionView } from '../api/types';

/**
 * Region names for codes, from GET /api/regions (reference data every signed-in user may read). Fetched
 * once per page load and shared by every caller; a failed load is retried by the next caller.
 */
let cache: Promise<Map<string, RegionView>> | null = null;

function loadRegions(): Promise<Map<string, RegionView>> {
  cache ??= apiFetch<RegionView[]>('/api/regions')
    .then((list) => new Map(list.map((r) => [r.code, r])))
    .catch((e: unknown) => {
      cache = null;
      throw e;
    });
  return cache;
}

/** For tests and sign-out: the next caller fetches the list again. */
export function forgetRegionNames(): void {
  cache = null;
}

export interface RegionNames {
  /** The region's name; '…' while loading; the code itself only for a code the server does not know. */
  name: (code: string | null | undefined) => string;
  /** "夏邑县 / 会亭镇" for a path such as /411426/411426100/, from its codes' names. */
  path: (regionPath: string | null | undefined) => string;
  regions: Map<string, RegionView> | undefined;
}

export function regionNamesFrom(regions: Map<string, RegionView> | undefined): RegionNames {
  const name = (code: string | null | undefined) => {
    if (!code) return '—';
    if (!regions) return '…';
    return regions.get(code)?.name ?? code;
  };
  const path = (regionPath: string | null | undefined) => {
    const codes = (regionPath ?? '').split('/').filter(Boolean);
    return codes.length ? codes.map(name).join(' / ') : '—';
  };
  return { name, path, regions };
}

export function useRegionNames(): RegionNames {
  const [regions, setRegions] = useState<Map<string, RegionView>>();
  useEffect(() => {
    let live = true;
    loadRegions()
      .then((m) => live && setRegions(m))
      .catch(() => undefined); // names fall back to '…'; the page's own request reports the outage
    return () => {
      live = false;
    };
  }, []);
  return regionNamesFrom(regions);
}
