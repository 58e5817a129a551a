import { Module } from '@nestjs/common';
import { EnterprisesModule } from '../enterprises/enterprises.module';
import { MACHINE_ROSTER, MachineRosterRepository } from './machine-roster';
import { MachinesController } from './machines.controller';
import { MachinesRepository } from './machines.repository';
import { MachinesService } from './machines.service';

@Module({
  imports: [EnterprisesModule],
  controllers: [MachinesController],
  providers: [MachinesService, MachinesRepository, { provide: MACHINE_ROSTER, useClass: MachineRosterRepository }],
  exports: [MachinesService, MACHINE_ROSTER],
})
export class MachinesModule {}
