import type { LatLng } from './coords';
import type { MapAlert, MapMachine } from './map-api';

/** Items standing at one place (an enterprise's machines share its registered point): one pin for them. */
export interface PlaceGroup<T> {
  key: string;
  position: LatLng;
  items: T[];
}

export function groupByPlace<T extends { position?: LatLng | null }>(items: T[]): PlaceGroup<T>[] {
  const groups = new Map<string, PlaceGroup<T>>();
  for (const item of items) {
    const p = item.position;
    if (!p) continue;
    // ~1 m: the same registered point, not merely nearby.
    const key = `${p.lat.toFixed(5)},${p.lng.toFixed(5)}`;
    const g = groups.get(key);
    if (g) g.items.push(item);
    else groups.set(key, { key, position: { lat: p.lat, lng: p.lng }, items: [item] });
  }
  return [...groups.values()];
}

export type MachineTone = 'arcing' | 'online' | 'chipped' | 'unchipped';
export const MACHINE_TONES: MachineTone[] = ['arcing', 'online', 'chipped', 'unchipped'];

export function machineTone(m: Pick<MapMachine, 'arcing' | 'online' | 'chipped'>): MachineTone {
  if (m.arcing) return 'arcing';
  if (m.online) return 'online';
  return m.chipped ? 'chipped' : 'unchipped';
}

/** A pin shows its liveliest machine: arcing over online over chipped over unchipped. */
export function groupTone(ms: Pick<MapMachine, 'arcing' | 'online' | 'chipped'>[]): MachineTone {
  const tones = new Set(ms.map(machineTone));
  return MACHINE_TONES.find((t) => tones.has(t)) ?? 'unchipped';
}

const SEVERITY_ORDER = ['critical', 'warning', 'info'] as const;

export function worstSeverity(as: Pick<MapAlert, 'severity'>[]): MapAlert['severity'] {
  return SEVERITY_ORDER.find((s) => as.some((a) => a.severity === s)) ?? 'info';
}
