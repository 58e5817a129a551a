import { auditActionValues, auditEntityTypeValues } from '../api/schema';
import type { AuditEntry } from '../api/types';
import { anyValue, time, UUID, type T } from './evidence-values';

/** Keys of records.auditAction: the action with its dots as underscores (i18next splits keys on dots). */
export const actionKey = (action: string) => `records.auditAction.${action.replace(/\./g, '_')}`;

export function actionText(action: string, t: T): string {
  return (auditActionValues as readonly string[]).includes(action) ? t(actionKey(action)) : t('records.value.unknown');
}

export function entityTypeText(type: string, t: T): string {
  return (auditEntityTypeValues as readonly string[]).includes(type)
    ? t(`records.auditEntity.${type}`)
    : t('records.value.unknown');
}

/** Which part of the platform acted, when nobody did: named by what it did. */
export function subsystemOf(e: Pick<AuditEntry, 'action'>): string {
  if (e.action.startsWith('alert.')) return 'alerts';
  if (e.action.startsWith('decision.')) return 'authorization';
  if (e.action.startsWith('auth.')) return 'loginGuard';
  // Only the demo seeder creates these, or issues codes, as the system.
  if (/^(enterprise|machine|welder|user)\.create$|^user_positions\.update$|^code\.issue$/.test(e.action)) return 'seed';
  return 'platform';
}

/** "张三（企业管理员）", or "系统（告警引擎）" for the platform's own actions. */
export function actorText(e: Pick<AuditEntry, 'action' | 'actorName' | 'actorRole' | 'actorUserId'>, t: T): string {
  if (!e.actorUserId) return t('records.audit.systemWith', { subsystem: t(`records.subsystem.${subsystemOf(e)}`) });
  const role = ROLES.includes(e.actorRole) ? t(`role.${e.actorRole}`) : t('records.value.unknown');
  return `${e.actorName ?? t('records.audit.nameHidden')}（${role}）`;
}
const ROLES = ['platform_admin', 'regulator', 'enterprise_admin', 'safety_manager', 'welder'];

/** The object: its type in words and its name or code, never its id. */
export function entityText(e: Pick<AuditEntry, 'entityType' | 'entityId' | 'names' | 'after' | 'before'>, t: T) {
  const type = entityTypeText(e.entityType, t);
  const name =
    e.names[e.entityId] ??
    (e.entityType === 'alert' ? alertTitle(e.after ?? e.before, t) : null) ??
    (e.entityType === 'holiday_calendar_year' || e.entityType === 'source_address' || e.entityType === 'user_name'
      ? e.entityId
      : null);
  return { type, name };
}

function alertTitle(snapshot: Record<string, unknown> | null, t: T): string | null {
  const type = snapshot?.type;
  return typeof type === 'string' && /^[A-Z_]+$/.test(type) ? t(`alertType.${type}`) : null;
}

/** The i18n table that names a field's enum values, by field (and object type where they differ). */
const ENUM_TABLES: Record<string, string | Record<string, string>> = {
  status: {
    machine: 'machineStatus',
    enterprise: 'enterpriseStatus',
    permit: 'permitStatus',
    welder: 'welderStatus',
    blackout: 'blackoutStatus',
    report: 'public.reportStatus',
    certificate: 'certState',
    permit_extension: 'extensionStatus',
  },
  state: { alert: 'alertState', alert_export: 'alertState' },
  severity: 'severity',
  // An export's filters name the list's own values.
  type: { alert: 'alertType', alert_export: 'alertType' },
  types: { alert_export: 'alertType' },
  list: { off_platform_export: 'records.offPlatformList' },
  kind: { machine: 'machineKind', blackout: 'blackoutKind', welder_engagement: 'engagementKind' },
  certificateState: 'certState',
  subOperation: 'subOperation',
  verification: 'verification',
  verificationSource: 'verificationSource',
  source: { certificate: 'certSource' },
  requestedLevel: 'permitLevel',
  effectiveLevel: 'permitLevel',
  role: 'role',
  tier: 'trainingTier',
  position: 'position',
  positions: 'position',
  approvalChain: 'position',
  effect: 'blackoutEffect',
  lelClass: 'lelClass',
  // A machine's reason is free text (status changes) or, for a chip unbind, one of these codes.
  reason: { arm_session: 'records.reason', machine: 'chipUnbindReason' },
  // A refused device certificate renewal: a protocol reason code.
  refusal: 'records.reason',
  ledger: 'records.ledgerKind',
  document: 'records.documentKind',
};

/** A record nested in another's entry (a permit's extension), read as its own type. */
const NESTED_ENTITY: Record<string, string> = { extension: 'permit_extension' };

/** A permit's geofence in words: its shape and size, not its coordinates. */
function geofenceText(v: unknown, t: T): string | null {
  const g = v as { type?: unknown; radiusM?: unknown; points?: unknown };
  if (g?.type === 'circle' && typeof g.radiusM === 'number')
    return t('records.audit.geofenceCircle', { radius: g.radiusM });
  if (g?.type === 'polygon' && Array.isArray(g.points))
    return t('records.audit.geofencePolygon', { corners: g.points.length });
  return null;
}

/** A permit's checklist: the items confirmed, by name. */
function checklistText(v: unknown, t: T, has: (key: string) => boolean): string {
  const done = Object.entries(v as Record<string, unknown>)
    .filter(([k, x]) => x === true && has(`checklist.${k}`))
    .map(([k]) => t(`checklist.${k}`));
  return done.length ? done.join('、') : t('records.audit.noneConfirmed');
}

/** The object type of each ledger an export names. */
const LEDGER_ENTITY: Record<string, string> = { enterprises: 'enterprise', machines: 'machine', welders: 'welder' };

/** Bookkeeping no reader needs: the record's own id, grouping keys, hashes, a code the name beside it says. */
const HIDDEN_FIELDS = new Set(['id', 'dedupeKey', 'sha256', 'gasCode']);

export function enumTable(field: string, entityType: string): string | null {
  const table = ENUM_TABLES[field];
  if (!table) return null;
  return typeof table === 'string' ? table : (table[entityType] ?? null);
}

export interface FieldChange {
  field: string;
  label: string;
  before: string;
  after: string;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/**
 * Before/after as the fields that changed, labelled and formatted: enum values translated, instants in
 * China time, ids replaced by the names the server resolved (or "name not visible"), never JSON.
 */
export function auditDiff(
  e: Pick<AuditEntry, 'entityType' | 'before' | 'after' | 'names'>,
  t: T,
  has: (key: string) => boolean,
): FieldChange[] {
  const before = e.before ?? {};
  const after = e.after ?? {};
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  // A ledger export's filters are the filters of that ledger's list: their values read as its records'.
  const ledger = (after as { ledger?: unknown }).ledger;
  const filterEntity =
    e.entityType === 'ledger_export' && typeof ledger === 'string' ? LEDGER_ENTITY[ledger] : undefined;
  const value = (field: string, v: unknown, entityType: string = e.entityType): string => {
    if (v === null || v === undefined || v === '') return t('records.audit.empty');
    if (field === 'geofence') return geofenceText(v, t) ?? anyValue(v, t);
    if (field === 'checklist' && typeof v === 'object') return checklistText(v, t, has);
    const table = enumTable(field, entityType);
    const one = (x: unknown): string => {
      if (typeof x === 'string' && table && has(`${table}.${x}`)) return t(`${table}.${x}`);
      if (typeof x === 'string' && UUID.test(x)) return e.names[x.toLowerCase()] ?? t('records.audit.nameHidden');
      if (typeof x === 'string') return time(x) ?? x;
      return anyValue(x, t);
    };
    if (Array.isArray(v)) return v.map(one).join('、');
    // A group of values (an export's filters): each one set, labelled and rendered as a field of its own.
    // One level only: anything nested deeper is summarised as before (anyValue caps its depth).
    if (typeof v === 'object') {
      const set = Object.entries(v as Record<string, unknown>).filter(
        ([k, x]) => !HIDDEN_FIELDS.has(k) && x !== null && x !== undefined && x !== '',
      );
      const nested = NESTED_ENTITY[field] ?? filterEntity ?? entityType;
      const inner = (k: string, x: unknown) =>
        typeof x === 'object' && !Array.isArray(x) ? anyValue(x, t, 1) : value(k, x, nested);
      return set.length ? set.map(([k, x]) => `${label(k)}：${inner(k, x)}`).join('；') : t('records.audit.empty');
    }
    return one(v);
  };
  const label = (f: string) => (has(`records.field.${f}`) ? t(`records.field.${f}`) : t('records.audit.otherField'));
  return fields
    .filter((f) => !HIDDEN_FIELDS.has(f) && !same(before[f], after[f]))
    .map((f) => ({
      field: f,
      label: label(f),
      before: e.before ? value(f, before[f]) : '',
      after: e.after ? value(f, after[f]) : '',
    }));
}
