import { CHIP_ID_PATTERN } from './crypto';
import { DOWN_MESSAGE_TYPES, UP_MESSAGE_TYPES } from './messages';
import { isValidTopicRoot } from './topics';

export type AclAction = 'publish' | 'subscribe';

/**
 * A device's MQTT client id must be its chip id, which is also its user name. Brokers drop the older
 * session of a client id when a new one connects, so any other client id would let one chip
 * disconnect another (and an empty one hides who is connected).
 */
export function deviceClientIdAllowed(chip: string, clientId: unknown): boolean {
  return typeof clientId === 'string' && CHIP_ID_PATTERN.test(chip) && clientId === chip;
}

/**
 * Broker ACL for a device authenticated as `chip`. Pure, so the embedded broker hooks and the HTTP
 * ACL endpoint for EMQX / mosquitto-go-auth give the same answer. Anything not listed is denied:
 *   publish   <root>/d/<chip>/status and <root>/d/<chip>/up/<known up type> (no wildcards)
 *   subscribe <root>/d/<chip>/down/# , <root>/d/<chip>/down/+ , <root>/d/<chip>/down/<known down type>
 */
export function deviceAcl(root: string, chip: string, action: AclAction, topic: string): boolean {
  if (!isValidTopicRoot(root) || !CHIP_ID_PATTERN.test(chip) || typeof topic !== 'string') return false;
  if (topic.includes('\u0000')) return false;
  const prefix = `${root}/d/${chip}/`;
  if (!topic.startsWith(prefix)) return false;
  const rest = topic.slice(prefix.length).split('/');
  if (action === 'publish') {
    if (topic.includes('+') || topic.includes('#')) return false;
    if (rest.length === 1) return rest[0] === 'status';
    return rest.length === 2 && rest[0] === 'up' && (UP_MESSAGE_TYPES as readonly string[]).includes(rest[1]);
  }
  if (action === 'subscribe') {
    if (rest.length !== 2 || rest[0] !== 'down') return false;
    return rest[1] === '#' || rest[1] === '+' || (DOWN_MESSAGE_TYPES as readonly string[]).includes(rest[1]);
  }
  return false;
}
