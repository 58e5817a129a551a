import { Module } from '@nestjs/common';
import { MachineLoansController } from './machine-loans.controller';
import { MachineLoansRepository } from './machine-loans.repository';
import { MachineLoansService } from './machine-loans.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MachineLoan } from './machine-loan.entity';
import { EnterprisesModule } from '../enterprises/enterprises.module';

@Module({
  imports: [EnterprisesModule, TypeOrmModule.forFeature([MachineLoan])],
  controllers: [MachineLoansController],
  providers: [MachineLoansService, MachineLoansRepository],
  exports: [MachineLoansService],
})
export class MachineLoansModule {}
