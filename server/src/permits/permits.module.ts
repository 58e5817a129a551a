import { Module } from '@nestjs/common';
import { GasCatalogueController } from './gas-catalogue.controller';
import { PermitAccess } from './permit-access';
import { PermitEligibility } from './permit-eligibility';
import { PermitEligibilityRepository } from './permit-eligibility.repository';
import { PermitEvaluator } from './permit-evaluator';
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

/** Hot-work permits (GB 30871-2022). PermitsService.evaluate is the authorization engine's entry point. */
@Module({
  controllers: [PermitsController, PermitRecordsController, PermitSettingsController, GasCatalogueController],
  providers: [
    PermitsService, PermitWorkflowService, PermitRecordsService, PermitSettingsService, PermitEvaluator, PermitEligibility,
    PermitAccess, PermitViews, PermitsRepository, PermitEligibilityRepository, PermitSettingsRepository,
  ],
  exports: [PermitsService],
})
export class PermitsModule {}
