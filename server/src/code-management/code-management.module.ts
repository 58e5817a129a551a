import { Module } from '@nestjs/common';
import { CodesModule } from '../codes/codes.module';
import { MachinesModule } from '../machines/machines.module';
import { WeldersModule } from '../welders/welders.module';
import { CodeManagementService } from './code-management.service';
import { CodeSubjects } from './code-subjects';
import { CodesController } from './codes.controller';

/**
 * The admin API over identity codes (re-issue, withdraw, QR images, label sheets) and the CodeSubjects port
 * (what a code stands for). It asks machines and welders through their ports, so it sits above them;
 * CodesModule stays below.
 */
@Module({
  imports: [CodesModule, MachinesModule, WeldersModule],
  controllers: [CodesController],
  providers: [CodeManagementService, CodeSubjects],
  exports: [CodeSubjects],
})
export class CodeManagementModule {}
