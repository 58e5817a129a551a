import { Module } from '@nestjs/common';
import { MachineLoansController } from './machine-loans.controller';
import { MachineLoansRepository } from './machine-loans.repository';
import { MachineLoansService } from './machine-loans.service';

@Module({
  controllers: [MachineLoansController],
  providers: [MachineLoansService, MachineLoansRepository],
  exports: [MachineLoansService],
})
export class MachineLoansModule {}
