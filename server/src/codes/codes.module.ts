import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Machine } from '../machines/machine.entity';
import { Certificate } from '../welders/certificate.entity';
import { Welder } from '../welders/welder.entity';
import { CodeManagementService } from './code-management.service';
import { CodesController } from './codes.controller';
import { CodesRepository } from './codes.repository';
import { CodesService } from './codes.service';
import { IdentityCode } from './identity-code.entity';

/** Global so that registry modules can issue codes in their own transactions. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([IdentityCode, Machine, Welder, Certificate])],
  controllers: [CodesController],
  providers: [CodesService, CodesRepository, CodeManagementService],
  exports: [CodesService, CodesRepository],
})
export class CodesModule {}
