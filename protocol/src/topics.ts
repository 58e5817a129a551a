import { DEFAULT_TOPIC_ROOT, SERVER_SHARE_GROUP } from './constants';
import { CHIP_ID_PATTERN } from './crypto';
import {
  DOWN_MESSAGE_TYPES,
  DownMessageType,
  MessageByType,
  MessageType,
  UP_MESSAGE_TYPES,
  UpMessageType,
} from './messages';

/**
 * Topic layout (MQTT 3.1.1 and 5; nothing relies on MQTT 5 properties):
 *   <root>/d/<chip>/status          device, retained, last will "offline"
 *   <root>/d/<chip>/up/<type>       device → server
 *   <root>/d/<chip>/down/<type>     server → device
 */
export interface TopicMap {
  status: MessageByType['status'];
  'up/arm.request': MessageByType['arm.request'];
  'up/events': MessageByType['events'];
  'up/cert.renew': MessageByType['cert.renew'];
  'down/arm.grant': MessageByType['arm.grant'];
  'down/arm.denied': MessageByType['arm.denied'];
  'down/grant.revoke': MessageByType['grant.revoke'];
  'down/events.ack': MessageByType['events.ack'];
  'down/grant.push': MessageByType['grant.push'];
  'down/config': MessageByType['config'];
  'down/cert.issued': MessageByType['cert.issued'];
  'down/cert.denied': MessageByType['cert.denied'];
}
export type TopicKind = keyof TopicMap;
export type PayloadOf<K extends TopicKind> = TopicMap[K];

export interface TopicSpec {
  type: MessageType;
  publisher: 'device' | 'server';
  /** Every message is QoS 1 (at least once); receivers de-duplicate by id / seq. */
  qos: 1;
  retain: boolean;
  /** Who signs it; the offline status (last will) is the only unsigned payload. */
  signedBy: 'device' | 'server';
}

export const TOPIC_SPECS: Readonly<Record<TopicKind, TopicSpec>> = {
  status: { type: 'status', publisher: 'device', qos: 1, retain: true, signedBy: 'device' },
  'up/arm.request': { type: 'arm.request', publisher: 'device', qos: 1, retain: false, signedBy: 'device' },
  'up/events': { type: 'events', publisher: 'device', qos: 1, retain: false, signedBy: 'device' },
  'up/cert.renew': { type: 'cert.renew', publisher: 'device', qos: 1, retain: false, signedBy: 'device' },
  'down/arm.grant': { type: 'arm.grant', publisher: 'server', qos: 1, retain: false, signedBy: 'server' },
  'down/arm.denied': { type: 'arm.denied', publisher: 'server', qos: 1, retain: false, signedBy: 'server' },
  'down/grant.revoke': { type: 'grant.revoke', publisher: 'server', qos: 1, retain: false, signedBy: 'server' },
  'down/events.ack': { type: 'events.ack', publisher: 'server', qos: 1, retain: false, signedBy: 'server' },
  'down/grant.push': { type: 'grant.push', publisher: 'server', qos: 1, retain: false, signedBy: 'server' },
  'down/config': { type: 'config', publisher: 'server', qos: 1, retain: false, signedBy: 'server' },
  'down/cert.issued': { type: 'cert.issued', publisher: 'server', qos: 1, retain: false, signedBy: 'server' },
  'down/cert.denied': { type: 'cert.denied', publisher: 'server', qos: 1, retain: false, signedBy: 'server' },
};
export const TOPIC_KINDS = Object.keys(TOPIC_SPECS) as TopicKind[];

/** A root is one or more non-empty levels without wildcards, NUL or a leading `$`. */
export function isValidTopicRoot(root: string): boolean {
  return (
    typeof root === 'string' &&
    root.length > 0 &&
    !root.startsWith('$') &&
    root.split('/').every((l) => l.length > 0 && !/[+#\u0000]/.test(l))
  );
}

function assertRootAndChip(root: string, chip: string): void {
  if (!isValidTopicRoot(root)) throw new TypeError(`invalid topic root: ${JSON.stringify(root)}`);
  if (!CHIP_ID_PATTERN.test(chip)) throw new TypeError(`invalid chip id: ${JSON.stringify(chip)}`);
}

export function deviceTopicPrefix(root: string, chip: string): string {
  assertRootAndChip(root, chip);
  return `${root}/d/${chip}`;
}

export function topicFor(root: string, chip: string, kind: TopicKind): string {
  return `${deviceTopicPrefix(root, chip)}/${kind}`;
}
export const statusTopic = (root: string, chip: string): string => topicFor(root, chip, 'status');
export const upTopic = (root: string, chip: string, type: UpMessageType): string => topicFor(root, chip, `up/${type}`);
export const downTopic = (root: string, chip: string, type: DownMessageType): string =>
  topicFor(root, chip, `down/${type}`);

/** What the device subscribes to. */
export const deviceDownFilter = (root: string, chip: string): string => `${deviceTopicPrefix(root, chip)}/down/#`;

/** Server subscriptions: shared across replicas where the broker supports `$share` (the embedded aedes broker does not). */
export function serverUpFilter(root: string = DEFAULT_TOPIC_ROOT, opts: { shared?: boolean } = {}): string {
  if (!isValidTopicRoot(root)) throw new TypeError(`invalid topic root: ${JSON.stringify(root)}`);
  const filter = `${root}/d/+/up/#`;
  return opts.shared ? `$share/${SERVER_SHARE_GROUP}/${filter}` : filter;
}
/** Status is retained and every replica needs presence, so it is never shared. */
export function serverStatusFilter(root: string = DEFAULT_TOPIC_ROOT): string {
  if (!isValidTopicRoot(root)) throw new TypeError(`invalid topic root: ${JSON.stringify(root)}`);
  return `${root}/d/+/status`;
}

export type ParsedTopic =
  | { ok: true; chip: string; kind: TopicKind; direction: 'status' | 'up' | 'down'; type: MessageType }
  | { ok: false; error: 'foreign_root' | 'malformed' | 'bad_chip' | 'foreign_chip' | 'unknown_type' };

/** Splits a topic name; rejects other roots, malformed chip ids, another chip than `expectedChip`, unknown types. */
export function parseTopic(root: string, topic: string, expectedChip?: string): ParsedTopic {
  if (!isValidTopicRoot(root) || typeof topic !== 'string' || !topic.startsWith(`${root}/`))
    return { ok: false, error: 'foreign_root' };
  const levels = topic.slice(root.length + 1).split('/');
  if (levels[0] !== 'd' || levels.length < 3)
    return { ok: false, error: levels[0] === 'd' ? 'malformed' : 'foreign_root' };
  const chip = levels[1];
  if (!CHIP_ID_PATTERN.test(chip)) return { ok: false, error: 'bad_chip' };
  if (expectedChip !== undefined && chip !== expectedChip) return { ok: false, error: 'foreign_chip' };
  const rest = levels.slice(2);
  if (rest.length === 1 && rest[0] === 'status')
    return { ok: true, chip, kind: 'status', direction: 'status', type: 'status' };
  if (rest.length !== 2 || (rest[0] !== 'up' && rest[0] !== 'down')) return { ok: false, error: 'malformed' };
  const direction = rest[0];
  const known: readonly string[] = direction === 'up' ? UP_MESSAGE_TYPES : DOWN_MESSAGE_TYPES;
  if (!known.includes(rest[1])) return { ok: false, error: 'unknown_type' };
  return { ok: true, chip, kind: `${direction}/${rest[1]}` as TopicKind, direction, type: rest[1] as MessageType };
}
