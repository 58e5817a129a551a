import { Global, Module } from '@nestjs/common';
import { CodesService } from './codes.service';

/** Global so that registry modules can issue codes in their own transactions. */
@Global()
@Module({
  providers: [CodesService],
  exports: [CodesService],
})
export class CodesModule {}
