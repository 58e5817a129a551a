import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CodesModule } from '../codes/codes.module';
import { IdentityCode } from '../codes/identity-code.entity';
import { Machine } from '../machines/machine.entity';
import { Certificate } from '../welders/certificate.entity';
import { Welder } from '../welders/welder.entity';
import { CodeManagementService } from './code-management.service';
import { CodeSubjects } from './code-subjects';
import { CodesController } from './codes.controller';

/**
 * The admin API over identity codes (re-issue, withdraw, QR images, label sheets) and the CodeSubjects port
 * (what a code stands for). It reads machines and welders, so it sits above them; CodesModule stays below.
 */
@Module({
  imports: [CodesModule, TypeOrmModule.forFeature([IdentityCode, Machine, Welder, Certificate])],
  controllers: [CodesController],
  providers: [CodeManagementService, CodeSubjects],
  exports: [CodeSubjects],
})
export class CodeManagementModule {}
