import { DeliveryChannel, DeliveryFailure } from '../notification-types';

/** One message, written once and rendered by each channel in its provider's format. */
export interface OutgoingMessage {
  title: string;
  /** Plain lines (no markup); channels with markdown render them as a list under the title. */
  lines: string[];
}

/** Where to: a phone, an e-mail address or a robot's webhook URL, with the robot's signing secret. */
export interface DeliveryTarget {
  to: string;
  secret?: string | null;
}

/** A send that fails throws (DeliveryError or any error); the delivery worker retries with back-off. */
export interface NotificationChannel {
  readonly channel: DeliveryChannel;
  send(target: DeliveryTarget, message: OutgoingMessage): Promise<void>;
}

export const NOTIFICATION_CHANNELS = 'NOTIFICATION_CHANNELS';

/**
 * A provider's refusal or an unreachable provider: the kind (shown in the console), the provider's own code
 * when it gave one, and words for the technical detail of the delivery log (no secret in them).
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly failure: DeliveryFailure,
    readonly providerCode: string | null = null,
  ) {
    super(message);
  }
}

export function plainText(m: OutgoingMessage): string {
  return [m.title, ...m.lines].join('\n');
}

/** Markdown both robots understand: a bold title and one paragraph per line (markdown special characters escaped). */
export function markdownText(m: OutgoingMessage): string {
  const esc = (s: string) => s.replace(/([\\`*_[\]#>])/g, '\\$1');
  return [`**${esc(m.title)}**`, ...m.lines.map((l) => `> ${esc(l)}`)].join('\n\n');
}
