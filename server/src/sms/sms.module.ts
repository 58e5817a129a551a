import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { HttpSmsSender } from './http-sms-sender';
import { LogSmsSender, SMS_SENDER, SmsSender } from './sms-sender';

/** Provides SMS_SENDER to every module (one-time codes, notifications): the log provider, or SMS_PROVIDER=http's gateway. */
@Global()
@Module({
  providers: [
    {
      provide: SMS_SENDER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): SmsSender =>
        config.sms?.provider === 'http' ? new HttpSmsSender(config.sms.http) : new LogSmsSender(),
    },
  ],
  exports: [SMS_SENDER],
})
export class SmsModule {}
