import { Global, Module } from '@nestjs/common';
import { LogSmsSender, SMS_SENDER } from './sms-sender';

/** Provides SMS_SENDER to every module (one-time codes, notifications). */
@Global()
@Module({
  providers: [{ provide: SMS_SENDER, useClass: LogSmsSender }],
  exports: [SMS_SENDER],
})
export class SmsModule {}
