// Types and paths of the inspector's phone pages (generated from the server's OpenAPI document).
import type { components } from '../../api/schema';

type Schemas = components['schemas'];

export type MyTarget = Schemas['MyInspectionTargetView'];
export type InspectionRecord = Schemas['InspectionRecordView'];
export type OnSiteScan = Schemas['OnSiteScanView'];
export type OnSiteHazard = Schemas['OnSiteHazardView'];
export type HazardCategory = Schemas['OnSiteHazardView']['category'];
export type HazardLevel = Schemas['OnSiteHazardView']['level'];

export const HAZARD_CATEGORIES: HazardCategory[] = [
  'unlicensed_welding',
  'no_hot_work_permit',
  'machine_not_chipped',
  'fire_watch_missing',
  'gas_test_missing',
  'fire_equipment_missing',
  'modified_machine',
  'arc_without_grant',
  'machine_overuse',
  'combustibles_nearby',
  'other',
];

export const targetPath = (planId: string, position: number | string) =>
  `/api/inspection-plans/${encodeURIComponent(planId)}/targets/${encodeURIComponent(String(position))}`;

/** Where the inspector stands; null when the phone cannot tell (the step then goes without). */
export function currentPosition(timeout = 15_000): Promise<{ latitude: number; longitude: number }> {
  return new Promise((resolve, reject) => {
    if (!('geolocation' in navigator)) return reject(new Error('failed'));
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ latitude: p.coords.latitude, longitude: p.coords.longitude }),
      (e) => reject(new Error(e.code === e.PERMISSION_DENIED ? 'denied' : 'failed')),
      { enableHighAccuracy: true, timeout, maximumAge: 60_000 },
    );
  });
}

export async function positionOrNone(): Promise<{ latitude?: number; longitude?: number }> {
  try {
    return await currentPosition(8000);
  } catch {
    return {};
  }
}
