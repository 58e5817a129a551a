import { maskPhone } from '../common/validation/identifiers';
import { DeliveryChannel } from './notification-types';

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

/** A robot webhook shown by its host and the last 4 characters of its key (the key is its credential). */
export function maskWebhook(url: string): string {
  try {
    const u = new URL(url);
    const tail = (u.search || u.pathname).replace(/[^A-Za-z0-9]/g, '').slice(-4);
    return `${u.host}/…${tail}`.slice(0, 120);
  } catch {
    return '***';
  }
}

export function maskTarget(channel: DeliveryChannel, to: string): string {
  if (channel === 'sms') return maskPhone(to);
  if (channel === 'email') return maskEmail(to);
  return maskWebhook(to);
}
