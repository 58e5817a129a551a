import { Injectable, Logger } from '@nestjs/common';
import { maskPhone } from '../common/validation/identifiers';

/** One text message to one mobile number. `purpose` tells providers with per-template billing which template it is. */
export interface SmsMessage {
  phone: string;
  text: string;
  purpose: 'otp' | 'alert' | 'digest' | 'notice';
}

export interface SmsReceipt {
  /** The provider's own id for the message, when it gives one. */
  providerMessageId: string | null;
}

/**
 * The one way ArcGate sends a text message. Implementations: LogSmsSender (development: the message goes
 * to the server log) and the generic HTTP provider configured per deployment. A send that fails throws;
 * the caller decides whether to retry (notifications) or to tell the user (one-time codes).
 */
export interface SmsSender {
  send(message: SmsMessage): Promise<SmsReceipt>;
}

export const SMS_SENDER = Symbol('SMS_SENDER');

/** A send the gateway did not take: why (unreachable, timeout, http_status, refused) and its status or reply. */
export class SmsSendError extends Error {
  constructor(
    message: string,
    readonly failure: 'unreachable' | 'timeout' | 'http_status' | 'refused',
    readonly providerCode: string | null = null,
  ) {
    super(message);
  }
}

/** Development provider: writes the message to the server log, the number masked. */
@Injectable()
export class LogSmsSender implements SmsSender {
  private readonly logger = new Logger('SMS');

  send(message: SmsMessage): Promise<SmsReceipt> {
    this.logger.log(`[${message.purpose}] to ${maskPhone(message.phone)}: ${message.text}`);
    return Promise.resolve({ providerMessageId: null });
  }
}
