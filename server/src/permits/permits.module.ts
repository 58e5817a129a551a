import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { BlackoutsModule } from '../blackouts/blackouts.module';
import { MachineLoansModule } from '../machine-loans/machine-loans.module';
import { MachinesModule } from '../machines/machines.module';
import { RegionsModule } from '../regions/regions.module';
import { WeldersModule } from '../welders/welders.module';
import { UsersModule } from '../users/users.module';
import { GasCatalogueController } from './gas-catalogue.controller';
import { PermitAccess } from './permit-access';
import { PermitEligibility } from './permit-eligibility';
import { PermitEvaluator } from './permit-evaluator';
import { PermitFireWatcher } from './fire-watcher';
import { PermitPolicyController } from './permit-policy.controller';
import { PermitPolicyRepository } from './permit-policy.repository';
import { PermitPolicyService } from './permit-policy.service';
import { PermitRecordsController } from './permit-records.controller';
import { PermitRecordsService } from './permit-records.service';
import { PermitSettingsController } from './permit-settings.controller';
import { PermitSettingsRepository } from './permit-settings.repository';
import { PermitSettingsService } from './permit-settings.service';
import { PermitViews } from './permit-view';
import { PermitWorkflowService } from './permit-workflow.service';
import { PermitsController } from './permits.controller';
import { PermitsRepository } from './permits.repository';
import { PermitsService } from './permits.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GasAnalysis } from './gas-analysis.entity';
import { HolidayCalendarYear, StatutoryHoliday } from './holiday-calendar.entity';
import { PermitAttachment } from './permit-attachment.entity';
import { PermitExtension } from './permit-extension.entity';
import { PermitMachine, PermitWelder } from './permit-party.entity';
import { EnterprisePermitSettings } from './permit-settings.entity';
import { PermitTrailEntry } from './permit-trail-entry.entity';
import { Permit } from './permit.entity';
import { RegionalApprovalMinimum } from './regional-minimum.entity';
import { UserPosition } from './user-position.entity';
import { EnterprisesModule } from '../enterprises/enterprises.module';

/** Hot-work permits (GB 30871-2022). PermitsService.evaluate is the authorization engine's entry point. */
@Module({
  // Welders, machines and loans are read through their ports (WELDER_ROSTER, MACHINE_ROSTER, MACHINE_LOAN_LOOKUP), enterprises through ENTERPRISE_LOOKUP.
  imports: [
    AlertsModule,
    EnterprisesModule,
    TypeOrmModule.forFeature([
      Permit,
      PermitWelder,
      PermitMachine,
      PermitTrailEntry,
      PermitExtension,
      GasAnalysis,
      PermitAttachment,
      EnterprisePermitSettings,
      UserPosition,
      RegionalApprovalMinimum,
      HolidayCalendarYear,
      StatutoryHoliday,
    ]),
    BlackoutsModule,
    RegionsModule,
    WeldersModule,
    UsersModule,
    MachinesModule,
    MachineLoansModule,
  ],
  controllers: [
    PermitsController,
    PermitRecordsController,
    PermitSettingsController,
    PermitPolicyController,
    GasCatalogueController,
  ],
  providers: [
    PermitsService,
    PermitWorkflowService,
    PermitRecordsService,
    PermitSettingsService,
    PermitEvaluator,
    PermitEligibility,
    PermitAccess,
    PermitViews,
    PermitsRepository,
    PermitSettingsRepository,
    PermitPolicyService,
    PermitPolicyRepository,
    PermitFireWatcher,
  ],
  exports: [PermitsService],
})
export class PermitsModule {}
