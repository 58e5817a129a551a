import {
  amps,
  anyValue,
  date,
  duration,
  eventType,
  fieldLabel,
  lel,
  metres,
  num,
  obj,
  oneOf,
  position,
  str,
  time,
  type T,
} from './evidence-values';
import { DEVICE_STATES, reasonCodeText } from './device-codes';
import { deliveryChannelValues, deliveryFailureValues, hazardCategoryValues, hazardLevelValues } from '../api/schema';

/** A record an evidence line points at: the renderer names it and opens its drawer. */
export interface EvidenceLink {
  kind: 'machine' | 'welder' | 'permit';
  id: string;
}
export interface EvidenceLine {
  label: string;
  value: string;
  link?: EvidenceLink;
}

const HAZARD_CATEGORIES = hazardCategoryValues;
const HAZARD_LEVELS = hazardLevelValues;
const SUB_OPERATIONS = ['fusion_welding_and_thermal_cutting', 'pressure_welding', 'brazing'] as const;
const ENTERPRISE_STATUSES = ['active', 'suspended', 'closed'] as const;
const OFFLINE_CAUSES = ['will', 'shutdown', 'missed_heartbeats'] as const;
const MESSAGE_TYPES = ['status', 'arm.request', 'events'] as const;
/** Evidence fields that are the alert's own subjects (shown above the evidence) or internal bookkeeping. */
const NOT_EVIDENCE = ['chipId', 'seq', 'type', 'event', 'decisionId', 'expected', 'via', 'emptyClientId'];

/** Collects labelled lines; whatever evidence field no line used is listed at the end, labelled. */
class Layout {
  readonly lines: EvidenceLine[] = [];
  private readonly used = new Set(NOT_EVIDENCE);
  constructor(
    private readonly t: T,
    private readonly ev: Record<string, unknown>,
  ) {}

  add(label: string, value: string | null, ...fields: string[]): this {
    fields.forEach((f) => this.used.add(f));
    if (value !== null) this.lines.push({ label: this.t(`records.ev.${label}`), value });
    return this;
  }

  link(label: string, kind: EvidenceLink['kind'], id: unknown, field: string): this {
    this.used.add(field);
    if (typeof id === 'string' && id)
      this.lines.push({
        label: this.t(`records.ev.${label}`),
        value: this.t('records.value.linkedRecord'),
        link: { kind, id },
      });
    return this;
  }

  use(...fields: string[]): this {
    fields.forEach((f) => this.used.add(f));
    return this;
  }

  done(): EvidenceLine[] {
    for (const [k, v] of Object.entries(this.ev))
      if (!this.used.has(k) && v !== undefined && v !== null)
        this.lines.push({ label: fieldLabel(k, this.t), value: anyValue(v, this.t) });
    return this.lines;
  }
}

/** A reason code in the reader's language (the protocol's table, mirrored in records.reason); null when absent. */
const reasonText = (code: unknown, t: T) => (code === undefined || code === null ? null : reasonCodeText(code, t));

const enumText = <K extends string>(v: unknown, known: readonly K[], key: (k: K) => string, t: T) =>
  v === undefined || v === null ? null : oneOf(v, known) ? t(key(v)) : t('records.value.unknown');

/** The server's English reason for an arc without a grant, as one of three causes. */
function arcWithoutGrantWhy(reason: unknown, t: T): string | null {
  if (typeof reason !== 'string') return null;
  if (reason.includes('bypass')) return t('records.value.whyBypass');
  if (reason.startsWith('grant')) return t('records.value.whyGrantInvalid');
  if (reason === 'no grant id') return t('records.value.whyNoGrant');
  return t('records.value.unknown');
}

const relay = (closed: unknown, t: T) =>
  typeof closed === 'boolean' ? t(closed ? 'records.value.relayClosed' : 'records.value.relayOpen') : null;

/** Layouts of the alert types raised from device events, decisions and the certificate scanner. */
export function layoutLines(type: string, ev: Record<string, unknown>, t: T): EvidenceLine[] {
  const l = new Layout(t, ev);
  const e = obj(ev.event) ?? {};
  const at = time(ev.at) ?? time(e.at);
  switch (type) {
    case 'ARC_WITHOUT_GRANT':
      l.add('eventKind', e.type === 'arc.unauthorized' ? t('records.value.arcUnauthorized') : eventType(e.type, t))
        .add('why', arcWithoutGrantWhy(ev.reason, t), 'reason')
        .add('current', amps(e.currentA, t))
        .add('occurredAt', at, 'at');
      break;
    case 'TAMPER':
      l.add(
        'tamperSwitch',
        e.switch === 'enclosure'
          ? t('records.value.switchEnclosure')
          : e.switch === 'bypass_suspected'
            ? t('records.value.switchBypass')
            : t('records.value.unknown'),
      )
        .add('occurredAt', at, 'at')
        .add('consequence', t('records.value.tamperConsequence'));
      break;
    case 'GAS_ABOVE_LIMIT':
      l.add('gasReading', lel(e.percentLel, t))
        .add('gasLimit', lel(e.limitPercentLel, t))
        .add('occurredAt', at, 'at')
        .add('consequence', t('records.value.gasConsequence'));
      break;
    case 'PERMIT_GAS_FAILED': {
      const vol = (v: unknown) => (typeof v === 'number' ? `${num(v)} %vol` : null);
      l.add('permitNo', str(ev.permitNo), 'permitNo')
        .add('gasName', str(ev.gas), 'gas')
        .add('gasReadingVol', vol(ev.readingPercentVol), 'readingPercentVol')
        .add(
          'gasPassMarkVol',
          typeof ev.passMarkPercentVol === 'number' ? `≤ ${vol(ev.passMarkPercentVol)}` : null,
          'passMarkPercentVol',
        )
        .add('takenAt', time(ev.takenAt), 'takenAt')
        .add('analyst', str(ev.analyst), 'analyst')
        .add('consequence', t('records.value.permitGasConsequence'));
      break;
    }
    case 'OVER_CURRENT':
      l.add('current', amps(e.currentA, t))
        .add('currentLimit', amps(e.limitA, t))
        .add('occurredAt', at, 'at')
        .add('consequence', t('records.value.overCurrentCut'));
      break;
    case 'RELAY_FAULT':
      l.add('relayCommanded', relay(e.commanded, t))
        .add('relayFeedback', relay(e.feedback, t))
        .add('occurredAt', at, 'at')
        .add('consequence', t('records.value.relayFaultConsequence'));
      break;
    case 'ARC_AFTER_PERMIT_END': {
      const ended = str(e.endedAt);
      const permitEnd = str(ev.permitEndedAt);
      const current = obj(e.current);
      l.add('permitEndedAt', time(permitEnd), 'permitEndedAt')
        .add('arcStartedAt', time(e.startedAt))
        .add('arcEndedAt', time(ended))
        .add('arcDuration', num(e.durationMs) === null ? null : duration(num(e.durationMs)!, t))
        .add('overrun', ended && permitEnd ? duration(Date.parse(ended) - Date.parse(permitEnd), t) : null)
        .add(
          'current',
          current && num(current.mean) !== null && num(current.max) !== null
            ? t('records.unit.stats', { mean: Math.round(num(current.mean)!), max: Math.round(num(current.max)!) })
            : null,
        )
        .use('at');
      break;
    }
    case 'ARC_OUTSIDE_GEOFENCE':
      l.add('outsideBy', metres(ev.outsideByM, t), 'outsideByM')
        .add('position', position(e.position, t))
        .add('occurredAt', at, 'at');
      break;
    case 'MACHINE_OVERUSE_24H':
      l.link('machine', 'machine', ev.machineId, 'machineId')
        .add('runStartedAt', time(ev.runStartedAt), 'runStartedAt')
        .add('lastArcEndedAt', time(ev.lastArcEndedAt), 'lastArcEndedAt')
        .add('runLength', num(ev.hours) === null ? null : t('records.unit.hours', { n: ev.hours }), 'hours');
      break;
    case 'DEVICE_OFFLINE_DURING_PERMIT':
      l.add(
        'why',
        enumText(ev.cause, OFFLINE_CAUSES, (c) => `alertEvidence.offlineCauses.${c}`, t),
        'cause',
      )
        .add(
          'lastState',
          enumText(ev.lastState, DEVICE_STATES, (s) => `deviceState.${s}`, t),
          'lastState',
        )
        .add('occurredAt', at, 'at');
      break;
    case 'ACTIVITY_AT_INACTIVE_ENTERPRISE':
      l.add(
        'enterpriseStatus',
        enumText(ev.enterpriseStatus, ENTERPRISE_STATUSES, (s) => `enterpriseStatus.${s}`, t),
        'enterpriseStatus',
      )
        .add('activity', eventType(e.type, t))
        .add('occurredAt', at, 'at');
      break;
    case 'FORGED_MESSAGE': {
      const kind = str(ev.topic)?.split('/').pop();
      l.add(
        'messageKind',
        kind === undefined
          ? null
          : oneOf(kind, MESSAGE_TYPES)
            ? t(`alertEvidence.messageTypes.${kind === 'arm.request' ? 'armRequest' : kind}`)
            : t('records.value.unknown'),
        'topic',
      )
        .add('rawMessage', ev.said === undefined ? null : t('records.value.rawKept'), 'said')
        .add('consequence', t('records.value.forgedConsequence'));
      break;
    }
    case 'UNLICENSED_ATTEMPT':
      l.add('welder', str(ev.welderName), 'welderName')
        .add('denyReason', reasonText(ev.reason, t), 'reason', 'message')
        .add(
          'attemptSource',
          enumText(ev.source, ['device', 'phone'] as const, (s) => `records.source.${s}`, t),
          'source',
        )
        .add('outcome', t('records.value.blocked'));
      break;
    case 'REPEATED_DENIALS':
      l.add(
        'denials',
        num(ev.denials) === null
          ? null
          : t('records.unit.denialsInWindow', { count: ev.denials, minutes: num(ev.windowMinutes) ?? '—' }),
        'denials',
        'windowMinutes',
      ).add('lastReason', reasonText(ev.lastReason, t), 'lastReason');
      break;
    case 'REMOTE_START_FAR_AWAY':
      l.add('welder', str(ev.welderName), 'welderName')
        .add('distance', metres(ev.distanceM, t), 'distanceM')
        .add('distanceLimit', metres(ev.thresholdM, t), 'thresholdM')
        .add(
          'reference',
          ev.reference === 'machine'
            ? t('records.value.refMachine')
            : ev.reference === 'permit_site'
              ? t('records.value.refPermitSite')
              : null,
          'reference',
        )
        .add(
          'outcome',
          typeof ev.allowed !== 'boolean'
            ? null
            : ev.allowed
              ? t('records.value.allowed')
              : `${t('records.value.refused')}：${reasonText(ev.reason, t) ?? t('records.value.unknown')}`,
          'allowed',
          'reason',
        );
      break;
    case 'CERTIFICATE_EXPIRING':
    case 'CERTIFICATE_EXPIRED':
      l.link('welder', 'welder', ev.welderId, 'welderId')
        .add(
          'subOperation',
          enumText(ev.subOperation, SUB_OPERATIONS, (s) => `subOperation.${s}`, t),
          'subOperation',
        )
        .add('expiresOn', date(ev.expiresOn), 'expiresOn')
        .add('daysLeft', num(ev.daysLeft) === null ? null : t('records.unit.days', { n: ev.daysLeft }), 'daysLeft')
        .add(
          'reminder',
          num(ev.threshold) === null ? null : t('records.unit.reminderDays', { n: ev.threshold }),
          'threshold',
        )
        .add(
          'daysOverdue',
          num(ev.daysOverdue) === null ? null : t('records.unit.days', { n: ev.daysOverdue }),
          'daysOverdue',
        )
        .use('certificateId');
      break;
    case 'HAZARD_OVERDUE':
      l.add(
        'hazardCategory',
        oneOf(ev.category, HAZARD_CATEGORIES) ? t(`hazardCategory.${ev.category}`) : null,
        'category',
      )
        .add('hazardLevel', oneOf(ev.level, HAZARD_LEVELS) ? t(`hazardLevel.${ev.level}`) : null, 'level')
        .add('deadline', time(ev.deadline), 'deadline')
        .add(
          'overdueBy',
          num(ev.daysOverdue) === null ? null : t('records.unit.days', { n: ev.daysOverdue }),
          'daysOverdue',
        )
        .use('hazardId');
      break;
    case 'NOTIFICATION_DELIVERY_FAILED':
      // The provider's own words (error) are support text, often English: the reason is shown by its code.
      l.add(
        'deliveryChannel',
        oneOf(ev.channel, deliveryChannelValues) ? t(`deliveryChannel.${ev.channel}`) : null,
        'channel',
      )
        .add('deliveryRecipient', str(ev.recipient), 'recipient')
        .add('deliveryAttempts', num(ev.attempts) === null ? null : String(ev.attempts), 'attempts')
        .add(
          'deliveryFailure',
          oneOf(ev.failure, deliveryFailureValues)
            ? t(`deliveryFailure.${ev.failure}`) +
                (str(ev.providerCode) ? `（${t('notifications.providerCode', { code: ev.providerCode })}）` : '')
            : null,
          'failure',
        )
        .use('deliveryId', 'alertId', 'error', 'providerCode');
      break;
    default:
      // A type this console does not know yet: every field, labelled.
      break;
  }
  return l.done();
}

/** The types laid out here (the others are in alert-evidence.ts). */
export const LAID_OUT_TYPES = [
  'ARC_WITHOUT_GRANT',
  'TAMPER',
  'GAS_ABOVE_LIMIT',
  'PERMIT_GAS_FAILED',
  'OVER_CURRENT',
  'RELAY_FAULT',
  'ARC_AFTER_PERMIT_END',
  'ARC_OUTSIDE_GEOFENCE',
  'MACHINE_OVERUSE_24H',
  'DEVICE_OFFLINE_DURING_PERMIT',
  'ACTIVITY_AT_INACTIVE_ENTERPRISE',
  'FORGED_MESSAGE',
  'UNLICENSED_ATTEMPT',
  'REPEATED_DENIALS',
  'REMOTE_START_FAR_AWAY',
  'CERTIFICATE_EXPIRING',
  'CERTIFICATE_EXPIRED',
  'HAZARD_OVERDUE',
  'NOTIFICATION_DELIVERY_FAILED',
] as const;
