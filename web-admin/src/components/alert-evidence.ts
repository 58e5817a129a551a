import type { AlertType } from '../api/types';
import { fmtTime } from './format';
import { type EvidenceLine, layoutLines } from './alert-evidence-layouts';

export type { EvidenceLine, EvidenceLink } from './alert-evidence-layouts';

type T = (key: string, vars?: Record<string, unknown>) => string;

/** Alert types laid out in this file (the others in alert-evidence-layouts.ts; an unknown type as labelled fields). */
export const READABLE_EVIDENCE_TYPES = [
  'DEVICE_OFFLINE_ARMED',
  'DEVICE_ONSITE_CHECK',
  'BOARD_LINK_LOST',
  'DEVICE_JOURNAL_FAILED',
  'AGENT_CRASHED',
  'DEVICE_CLOCK_SKEW',
  'DEVICE_IMPERSONATION',
  'UNREGISTERED_DEVICE',
  'DEVICE_FLOOD',
  'DEVICE_MESSAGE_REJECTED',
] as const satisfies readonly AlertType[];
const MESSAGE_TYPES = ['status', 'arm.request', 'events'] as const;
/** Translation key of a protocol message type (keys cannot hold dots). */
const messageTypeKey = (type: (typeof MESSAGE_TYPES)[number]) =>
  `alertEvidence.messageTypes.${type === 'arm.request' ? 'armRequest' : type}`;

const KNOWN = <K extends string>(value: unknown, known: readonly K[]): value is K =>
  typeof value === 'string' && (known as readonly string[]).includes(value);
const DEVICE_STATES = ['locked', 'authorizing', 'armed', 'arcing', 'fault', 'tamper'] as const;
const OFFLINE_CAUSES = ['will', 'shutdown', 'missed_heartbeats'] as const;
const BOARD_CAUSES = ['port_closed', 'port_error', 'reports_silent'] as const;
const FAULTS = ['journal_unwritable', 'board_lost', 'relay_fault'] as const;

/**
 * The evidence of an alert as label/value lines in the reader's language, never raw codes or JSON: the
 * device-health types here, the others in alert-evidence-layouts.ts. Unknown values read "unknown".
 */
export function evidenceLines(type: string, ev: Record<string, unknown>, t: T): EvidenceLine[] {
  if (!(READABLE_EVIDENCE_TYPES as readonly string[]).includes(type)) return layoutLines(type, ev, t);
  const lines: EvidenceLine[] = [];
  const add = (label: string, value: string | null) => {
    if (value !== null) lines.push({ label: t(`alertEvidence.${label}`), value });
  };
  const state = (v: unknown) =>
    v === undefined ? null : KNOWN(v, DEVICE_STATES) ? t(`deviceState.${v}`) : t('alertEvidence.unknown');
  const time = (v: unknown) => (typeof v === 'string' ? fmtTime(v) : null);
  const watchdog =
    typeof ev.hardwareWatchdogTimeoutMs === 'number'
      ? t('alertEvidence.watchdogCut', { ms: ev.hardwareWatchdogTimeoutMs })
      : null;

  switch (type) {
    case 'DEVICE_OFFLINE_ARMED':
      add('lastState', state(ev.lastState));
      add(
        'offlineCause',
        ev.cause === undefined
          ? null
          : KNOWN(ev.cause, OFFLINE_CAUSES)
            ? t(`alertEvidence.offlineCauses.${ev.cause}`)
            : t('alertEvidence.unknown'),
      );
      add('offlineAt', time(ev.at));
      add('expected', watchdog);
      if (typeof ev.onsiteCheckAfterS === 'number')
        add('escalation', t('alertEvidence.escalationAfter', { minutes: Math.round(ev.onsiteCheckAfterS / 60) }));
      break;
    case 'DEVICE_ONSITE_CHECK':
      add('lastState', state(ev.lastState));
      add('offlineSince', time(ev.offlineSince));
      if (typeof ev.offlineMinutes === 'number')
        add('offlineFor', t('alertEvidence.minutes', { minutes: ev.offlineMinutes }));
      add('action', t('alertEvidence.onsiteAction'));
      break;
    case 'BOARD_LINK_LOST':
      add(
        'boardCause',
        ev.cause === undefined
          ? null
          : KNOWN(ev.cause, BOARD_CAUSES)
            ? t(`alertEvidence.boardCauses.${ev.cause}`)
            : t('alertEvidence.unknown'),
      );
      add('occurredAt', time(ev.at));
      add('expected', watchdog ?? t('alertEvidence.watchdogCutPlain'));
      break;
    case 'DEVICE_JOURNAL_FAILED': {
      const faults = Array.isArray(ev.faults)
        ? ev.faults.map((f) => (KNOWN(f, FAULTS) ? t(`alertEvidence.faults.${f}`) : t('alertEvidence.unknown')))
        : [];
      add('faultList', faults.length ? faults.join('、') : null);
      add('deviceState', state(ev.state));
      add('occurredAt', time(ev.at));
      add('consequence', t('alertEvidence.refusesToArm'));
      break;
    }
    case 'AGENT_CRASHED':
      add('occurredAt', time(ev.at));
      add('cutBy', ev.cutBy === 'hardware_watchdog' ? t('alertEvidence.cutByWatchdog') : t('alertEvidence.unknown'));
      add('expected', watchdog);
      break;
    case 'UNREGISTERED_DEVICE': {
      // Aggregated by source (issue 12): how many unknown chips, from where, over how long.
      const src = (typeof ev.source === 'object' && ev.source !== null ? ev.source : null) as Record<
        string,
        unknown
      > | null;
      const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
      if (src && num(src.distinctChips) !== null) {
        const vars = {
          count: num(src.distinctChips),
          attempts: num(src.attempts) ?? num(src.distinctChips),
          minutes: num(src.minutes) ?? 1,
          address: typeof src.remoteAddress === 'string' ? src.remoteAddress : '',
        };
        add(
          'unknownSource',
          t(vars.address ? 'alertEvidence.unknownChipsFrom' : 'alertEvidence.unknownChipsVia', vars),
        );
        if (Array.isArray(src.chipsSample))
          add('chipsSample', src.chipsSample.filter((c) => typeof c === 'string').join('，'));
        add('firstSeen', time(src.firstAt));
        add('lastSeen', time(src.lastAt));
      } else {
        add('chip', typeof ev.chipId === 'string' ? ev.chipId : t('alertEvidence.unknown'));
      }
      break;
    }
    case 'DEVICE_FLOOD': {
      const byType =
        typeof ev.byType === 'object' && ev.byType !== null ? Object.entries(ev.byType as Record<string, unknown>) : [];
      add(
        'floodRefused',
        typeof ev.refused === 'number' ? t('alertEvidence.floodRefusedCount', { count: ev.refused }) : null,
      );
      add(
        'messageKinds',
        byType.length
          ? byType
              .map(
                ([k, n]) =>
                  `${KNOWN(k, MESSAGE_TYPES) ? t(messageTypeKey(k)) : t('alertEvidence.unknown')} ${String(n)}`,
              )
              .join('，')
          : null,
      );
      add('firstSeen', time(ev.firstAt));
      add('lastSeen', time(ev.lastAt));
      add('consequence', t('alertEvidence.floodConsequence'));
      break;
    }
    case 'DEVICE_MESSAGE_REJECTED':
      add(
        'messageKinds',
        ev.type === undefined
          ? null
          : KNOWN(ev.type, MESSAGE_TYPES)
            ? t(messageTypeKey(ev.type))
            : t('alertEvidence.unknown'),
      );
      if (Array.isArray(ev.rejectedSeqs))
        add('rejectedEvents', t('alertEvidence.rejectedEventsCount', { count: ev.rejectedSeqs.length }));
      if (ev.reason === 'SEQ_REPLAYED') add('rejectedWhy', t('alertEvidence.seqReplayed'));
      add('consequence', t('alertEvidence.rejectedConsequence'));
      break;
    case 'DEVICE_CLOCK_SKEW': {
      // Sign of skewMs (device − platform) says ahead or behind; the failure code itself is not shown.
      const skew = typeof ev.skewMs === 'number' && Number.isFinite(ev.skewMs) ? ev.skewMs : null;
      const minutes = skew === null ? 0 : Math.round(Math.abs(skew) / 60_000);
      // Refused at connect, or (event 'message') connected but its messages refused as stale.
      const suffix = ev.event === 'message' ? 'Messages' : '';
      add(
        'clockSkew',
        skew === null
          ? t('alertEvidence.unknown')
          : t(`alertEvidence.${skew > 0 ? 'clockAhead' : 'clockBehind'}${suffix}`, { minutes }),
      );
      add('deviceTime', time(ev.deviceTime));
      add('platformTime', time(ev.serverTime));
      break;
    }
    case 'DEVICE_IMPERSONATION':
      // The client id is what the device itself sent: an identifier, shown as is (an empty one named as such).
      add(
        'claimedClientId',
        typeof ev.claimedClientId !== 'string'
          ? t('alertEvidence.unknown')
          : ev.claimedClientId === ''
            ? t('alertEvidence.emptyClientId')
            : ev.claimedClientId,
      );
      add(
        'impersonationTarget',
        ev.claimedIsBoundChip === true
          ? t('alertEvidence.targetBoundChip')
          : ev.claimedIsBoundChip === false
            ? t('alertEvidence.targetNotAChip')
            : null,
      );
      add('remoteAddress', typeof ev.remoteAddress === 'string' ? ev.remoteAddress : null);
      add('consequence', t('alertEvidence.impersonationRefused'));
      break;
  }
  return lines;
}
