import { fmtDate, fmtTime } from './format';

/** An i18next-like translate function (the tests pass a strict one that throws on a missing key). */
export type T = (key: string, vars?: Record<string, unknown>) => string;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
export const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
export const obj = (v: unknown): Record<string, unknown> | null =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
export const oneOf = <K extends string>(v: unknown, known: readonly K[]): v is K =>
  typeof v === 'string' && (known as readonly string[]).includes(v);

const round1 = (n: number) => Math.round(n * 10) / 10;

/** "3 分 20 秒", "2 小时 5 分", "12 秒" in the reader's language. */
export function duration(ms: number, t: T): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return t('records.unit.seconds', { n: s });
  if (s < 3600) return t('records.unit.minutesSeconds', { m: Math.floor(s / 60), s: s % 60 });
  return t('records.unit.hoursMinutes', { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
}

export const amps = (v: unknown, t: T) => (num(v) === null ? null : t('records.unit.amps', { n: round1(num(v)!) }));
export const lel = (v: unknown, t: T) => (num(v) === null ? null : t('records.unit.lel', { n: round1(num(v)!) }));
export const metres = (v: unknown, t: T) =>
  num(v) === null ? null : t('records.unit.metres', { n: Math.round(num(v)!) });
export const time = (v: unknown) => (typeof v === 'string' && ISO_INSTANT.test(v) ? fmtTime(v) : null);
export const date = (v: unknown) => (typeof v === 'string' && ISO_DATE.test(v.slice(0, 10)) ? fmtDate(v) : null);

export function position(v: unknown, t: T): string | null {
  const p = obj(v);
  if (!p || num(p.lat) === null || num(p.lng) === null) return null;
  return t('records.unit.position', {
    lat: num(p.lat)!.toFixed(5),
    lng: num(p.lng)!.toFixed(5),
    acc: Math.round(num(p.accuracyM) ?? 0),
  });
}

/** A device event type ("arc.start") in words; keys cannot hold dots. */
export function eventType(v: unknown, t: T): string | null {
  if (typeof v !== 'string') return null;
  return EVENT_TYPES.includes(v) ? t(`records.eventType.${v.replace('.', '_')}`) : t('records.value.unknown');
}
const EVENT_TYPES = [
  'arc.start',
  'arc.stop',
  'heartbeat',
  'gas.reading',
  'tamper',
  'arc.unauthorized',
  'relay.change',
  'power.cut',
  'state.change',
  'boot',
  'security.rejected',
  'journal.lost',
  'relay.fault',
  'board.link',
];

/**
 * Any value in words, for fields no layout knows: instants and dates formatted, booleans as 是/否,
 * ids never shown (a record that a layout did not link is only named as linked), objects as their
 * labelled parts. Never JSON.
 */
export function anyValue(v: unknown, t: T, depth = 0): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return t(v ? 'records.value.yes' : 'records.value.no');
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') {
    if (UUID.test(v)) return t('records.value.linkedRecord');
    return time(v) ?? v;
  }
  if (Array.isArray(v)) return v.map((x) => anyValue(x, t, depth + 1)).join('，');
  if (depth > 1) return t('records.value.linkedRecord');
  return Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${fieldLabel(k, t)} ${anyValue(x, t, depth + 1)}`)
    .join('；');
}

/** Field names that have a label in records.field; any other is "其他信息". */
export const FIELD_LABELS = [
  'status',
  'state',
  'severity',
  'type',
  'count',
  'name',
  'reason',
  'note',
  'source',
  'at',
  'attempts',
  'minutes',
  'allowed',
  'chipId',
  'machineId',
  'welderId',
  'permitId',
  'enterpriseId',
  'certificateId',
  'decisionId',
  'grantId',
  'subOperation',
  'expiresOn',
] as const;

export function fieldLabel(key: string, t: T): string {
  return oneOf(key, FIELD_LABELS) ? t(`records.field.${key}`) : t('records.ev.otherField');
}
