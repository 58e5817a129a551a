import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AlertsModule } from '../alerts/alerts.module';
import { EnterprisesModule } from '../enterprises/enterprises.module';
import { RegionsModule } from '../regions/regions.module';
import { UsersModule } from '../users/users.module';
import { NOTIFICATION_CHANNELS, NotificationChannel } from './channels/channel';
import { EmailChannel } from './channels/email-channel';
import { OutboundHttp } from './channels/outbound-http';
import { DingTalkRobotChannel, FeishuRobotChannel, WeComRobotChannel } from './channels/robot-channels';
import { SmsChannel } from './channels/sms-channel';
import { DigestScheduler } from './digest.scheduler';
import {
  Notification,
  NotificationDelivery,
  NotificationDigest,
  NotificationEndpoint,
  NotificationRule,
  NotificationTrack,
} from './notification.entities';
import { NotificationEnqueuer } from './notification-enqueuer';
import { NotificationRouter } from './notification-router';
import { NotificationWorker } from './notification-worker';
import {
  NotificationDeliveriesController,
  NotificationEndpointsController,
  NotificationRulesController,
  NotificationsController,
} from './notifications.controller';
import { NotificationsRepository } from './notifications.repository';
import { NotificationsService } from './notifications.service';
import { dnsResolve, WEBHOOK_RESOLVE, WebhookGuard } from './webhook-guard';

/**
 * 告警推送 (issue 16 §2): routing rules with escalation and quiet hours, in-app notifications, group robots
 * (WeCom, DingTalk, Feishu), SMS (SMS_SENDER) and e-mail, the delivery log with retries, the daily digest.
 * Fed by AlertHooks in the raising transaction; all delivery work runs in NotificationWorker.
 */
@Module({
  imports: [
    AlertsModule,
    EnterprisesModule,
    RegionsModule,
    UsersModule,
    TypeOrmModule.forFeature([
      NotificationRule,
      NotificationTrack,
      Notification,
      NotificationDelivery,
      NotificationEndpoint,
      NotificationDigest,
    ]),
  ],
  controllers: [
    NotificationsController,
    NotificationRulesController,
    NotificationDeliveriesController,
    NotificationEndpointsController,
  ],
  providers: [
    NotificationsService,
    NotificationsRepository,
    NotificationRouter,
    NotificationWorker,
    NotificationEnqueuer,
    DigestScheduler,
    WebhookGuard,
    { provide: WEBHOOK_RESOLVE, useValue: dnsResolve },
    OutboundHttp,
    WeComRobotChannel,
    DingTalkRobotChannel,
    FeishuRobotChannel,
    SmsChannel,
    EmailChannel,
    {
      provide: NOTIFICATION_CHANNELS,
      inject: [WeComRobotChannel, DingTalkRobotChannel, FeishuRobotChannel, SmsChannel, EmailChannel],
      useFactory: (...channels: NotificationChannel[]) => channels,
    },
  ],
  exports: [NotificationWorker, NotificationRouter, DigestScheduler],
})
export class NotificationsModule {}
