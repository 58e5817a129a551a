import { Module } from '@nestjs/common';
import { EnterprisesModule } from '../enterprises/enterprises.module';
import { MACHINE_ROSTER, MachineRosterRepository } from './machine-roster';
import { MachinesController } from './machines.controller';
import { MachinesRepository } from './machines.repository';
import { MachinesService } from './machines.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Machine } from './machine.entity';
import { MACHINE_LOOKUP } from './machine-lookup';
import { CodesModule } from '../codes/codes.module';

@Module({
  imports: [TypeOrmModule.forFeature([Machine]), CodesModule, EnterprisesModule],
  controllers: [MachinesController],
  providers: [
    MachinesService,
    MachinesRepository,
    { provide: MACHINE_ROSTER, useClass: MachineRosterRepository },
    { provide: MACHINE_LOOKUP, useExisting: MachinesRepository },
  ],
  exports: [MachinesService, MACHINE_ROSTER, MACHINE_LOOKUP],
})
export class MachinesModule {}
