import { Module } from '@nestjs/common';
import { EnterprisesModule } from '../enterprises/enterprises.module';
import { MachinesModule } from '../machines/machines.module';
import { WeldersModule } from '../welders/welders.module';
import { ExportsModule } from '../exports/exports.module';
import { LedgerImportService } from './ledger-import.service';
import { ImportJobsRepository } from './jobs/import-jobs.repository';
import { ImportJobsService } from './jobs/import-jobs.service';
import { ImportWorkerPool } from './jobs/import-worker-pool';
import { LedgersController } from './ledgers.controller';
import { LedgersRepository } from './ledgers.repository';
import { LedgersService } from './ledgers.service';

@Module({
  imports: [EnterprisesModule, MachinesModule, WeldersModule, ExportsModule],
  controllers: [LedgersController],
  providers: [
    LedgersService,
    LedgerImportService,
    LedgersRepository,
    ImportJobsRepository,
    ImportJobsService,
    ImportWorkerPool,
  ],
})
export class LedgersModule {}
