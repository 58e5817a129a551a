import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { DeliveryError, DeliveryTarget, NotificationChannel, OutgoingMessage } from './channel';

/** E-mail over SMTP (nodemailer; SMTP_URL, SMTP_FROM): subject the title, a plain-text body of the lines. */
@Injectable()
export class EmailChannel implements NotificationChannel, OnApplicationShutdown {
  readonly channel = 'email' as const;
  private readonly transport: Transporter | null;
  private readonly from: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const url = config.notifications?.smtpUrl;
    this.transport = url ? createTransport(url) : null;
    this.from = config.notifications?.smtpFrom ?? 'ArcGate <noreply@arcgate.invalid>';
  }

  async send(target: DeliveryTarget, m: OutgoingMessage): Promise<void> {
    if (!this.transport) throw new DeliveryError('e-mail is not configured (SMTP_URL)', 'not_configured');
    await this.transport.sendMail({ from: this.from, to: target.to, subject: m.title, text: m.lines.join('\n') });
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
