/** Dataset sizes per SCALE. Province is issue 19's figure; city and county keep its proportions. */
export interface ScaleSize {
  cities: number;
  counties: number;
  townships: number;
  enterprises: number;
  machines: number;
  welders: number;
  /** Permits over the two years. */
  permits: number;
  arcs: number;
  /** Arcs per grant on average (a grant covers a session of several arcs). */
  arcsPerGrant: number;
  /** Denied decisions per granted one. */
  denialShare: number;
  alerts: number;
  reports: number;
  audit: number;
}

export type ScaleName = 'county' | 'city' | 'province';

export const SIZES: Record<ScaleName, ScaleSize> = {
  province: {
    cities: 16,
    counties: 140,
    townships: 1_800,
    enterprises: 50_000,
    machines: 200_000,
    welders: 200_000,
    permits: 500_000,
    arcs: 20_000_000,
    arcsPerGrant: 4,
    denialShare: 0.1,
    alerts: 500_000,
    reports: 50_000,
    audit: 3_300_000,
  },
  // One city of ~9 counties: an eighth of the province.
  city: {
    cities: 1,
    counties: 9,
    townships: 115,
    enterprises: 6_250,
    machines: 25_000,
    welders: 25_000,
    permits: 62_500,
    arcs: 2_500_000,
    arcsPerGrant: 4,
    denialShare: 0.1,
    alerts: 62_500,
    reports: 6_250,
    audit: 410_000,
  },
  // One large county (夏邑 has ~6k machines): 3 % of the province.
  county: {
    cities: 1,
    counties: 1,
    townships: 24,
    enterprises: 1_500,
    machines: 6_000,
    welders: 6_000,
    permits: 15_000,
    arcs: 600_000,
    arcsPerGrant: 4,
    denialShare: 0.1,
    alerts: 15_000,
    reports: 1_500,
    audit: 100_000,
  },
};

export function scaleFrom(env: NodeJS.ProcessEnv): ScaleName {
  const s = (env.SCALE ?? 'county').toLowerCase();
  if (s === 'county' || s === 'city' || s === 'province') return s;
  throw new Error(`SCALE must be county, city or province (got ${s})`);
}
