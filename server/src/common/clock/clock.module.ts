import { DynamicModule, Module } from '@nestjs/common';
import { Clock, OffsetFileClock, SystemClock } from './clock';

/** The Clock every module injects. The app passes its setting (config clockOffsetFile), so the kernel never reads config. */
@Module({})
export class ClockModule {
  static forRoot(clockOffsetFile: string | undefined): DynamicModule {
    return {
      module: ClockModule,
      global: true,
      providers: [
        {
          provide: Clock,
          useFactory: () => (clockOffsetFile ? new OffsetFileClock(clockOffsetFile) : new SystemClock()),
        },
      ],
      exports: [Clock],
    };
  }
}
