import { Inject, Injectable } from '@nestjs/common';
import { SMS_SENDER, SmsSender } from '../../sms/sms-sender';
import { DeliveryTarget, NotificationChannel, OutgoingMessage, plainText } from './channel';

/** SMS through the deployment's provider (SMS_SENDER): plain text, title first. */
@Injectable()
export class SmsChannel implements NotificationChannel {
  readonly channel = 'sms' as const;
  constructor(@Inject(SMS_SENDER) private readonly sms: SmsSender) {}

  async send(target: DeliveryTarget, m: OutgoingMessage): Promise<void> {
    await this.sms.send({ phone: target.to, text: plainText(m), purpose: 'alert' });
  }
}
