// Types of the hazard register endpoints (/api/hazards…), generated from the server's OpenAPI document.
import {
  hazardCategoryValues,
  hazardLevelValues,
  hazardMeasureKindValues,
  hazardSourceValues,
  hazardStateValues,
  type components,
} from '../../api/schema';

type S = components['schemas'];
export type HazardSummary = S['HazardSummaryView'];
export type HazardDetail = S['HazardDetailView'];
export type SlowProgress = S['SlowProgressView'];
export type HazardState = S['HazardState'];
export type HazardLevel = S['HazardLevel'];
export type HazardCategory = S['HazardCategory'];

export const HAZARD_CATEGORIES = hazardCategoryValues;
export const HAZARD_LEVELS = hazardLevelValues;
export const HAZARD_STATES = hazardStateValues;
export const HAZARD_SOURCES = hazardSourceValues;
export const MEASURE_KINDS = hazardMeasureKindValues;

export const STATE_COLOUR: Record<HazardState, string> = {
  open: 'gold',
  ordered: 'orange',
  rectified: 'blue',
  verified: 'cyan',
  signed_off: 'green',
};
export const LEVEL_COLOUR: Record<HazardLevel, string> = { general: 'default', major: 'red' };

/** Where the person stands, when the browser gives it (optional on every step). */
export function currentPosition(): Promise<{ latitude: number; longitude: number } | null> {
  if (!('geolocation' in navigator)) return Promise.resolve(null);
  return new Promise((resolve) =>
    navigator.geolocation.getCurrentPosition(
      (p) =>
        resolve({
          latitude: Math.round(p.coords.latitude * 1e6) / 1e6,
          longitude: Math.round(p.coords.longitude * 1e6) / 1e6,
        }),
      () => resolve(null),
      { timeout: 8000, maximumAge: 60_000 },
    ),
  );
}

/** Fields and up to three photos as multipart (the server checks the bytes). */
export function multipart(fields: Record<string, string | number | undefined | null>, photos: Blob[]): FormData {
  const fd = new FormData();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null && v !== '') fd.append(k, String(v));
  photos.forEach((p, i) => fd.append('photos', p, p instanceof File ? p.name : `photo-${i + 1}.jpg`));
  return fd;
}
