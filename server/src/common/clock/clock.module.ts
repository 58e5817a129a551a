import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/app-config';
import { Clock, OffsetFileClock, SystemClock } from './clock';

@Global()
@Module({
  providers: [{
    provide: Clock,
    useFactory: (config: AppConfig) => (config.clockOffsetFile ? new OffsetFileClock(config.clockOffsetFile) : new SystemClock()),
    inject: [APP_CONFIG],
  }],
  exports: [Clock],
})
export class ClockModule {}
