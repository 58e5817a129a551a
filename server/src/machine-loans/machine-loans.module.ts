import { Module } from '@nestjs/common';
import { MACHINE_LOAN_LOOKUP, MachineLoanLookupRepository } from './machine-loan-lookup';
import { MachineLoansController } from './machine-loans.controller';
import { MachineLoansRepository } from './machine-loans.repository';
import { MachineLoansService } from './machine-loans.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MachineLoan } from './machine-loan.entity';
import { MachinesModule } from '../machines/machines.module';
import { EnterprisesModule } from '../enterprises/enterprises.module';

@Module({
  imports: [EnterprisesModule, MachinesModule, TypeOrmModule.forFeature([MachineLoan])],
  controllers: [MachineLoansController],
  providers: [
    MachineLoansService,
    MachineLoansRepository,
    { provide: MACHINE_LOAN_LOOKUP, useClass: MachineLoanLookupRepository },
  ],
  exports: [MachineLoansService, MACHINE_LOAN_LOOKUP],
})
export class MachineLoansModule {}
