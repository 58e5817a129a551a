// authorization/ = THE ARM DECISION: whether a welding machine may start an arc now (device arm
// requests, phone starts), the grants it issues and their revocation. Nothing to do with HTTP log-in
// (auth/) or with which records a user may see (access/).
import { Module } from '@nestjs/common';
import { AlertsModule } from '../alerts/alerts.module';
import { BlackoutsModule } from '../blackouts/blackouts.module';
import { ARM_REQUEST_HANDLER } from '../device-core/device-ports';
import { DeviceCoreModule } from '../device-core/device-core.module';
import { PermitsModule } from '../permits/permits.module';
import { WeldersModule } from '../welders/welders.module';
import { ArmRequestAnswerer } from './arm-request-answerer';
import { ArmSessionsController } from './arm-sessions.controller';
import { ArmSessionsService } from './arm-sessions.service';
import { AuthorizationRepository } from './authorization.repository';
import { AuthorizationService } from './authorization.service';
import { DecisionAlerts } from './decision-alerts';
import { DecisionMaintenance } from './decision-maintenance';
import { DecisionRecovery } from './decision-recovery';
import { DecisionsController } from './decisions.controller';
import { DecisionsService } from './decisions.service';
import { GrantsRepository } from './grants.repository';
import { PhonePushDelivery } from './phone-push';
import { RevocationListener } from './revocation-listener';
import { RevocationService } from './revocation.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ArmSession } from './arm-session.entity';
import { DecisionRecord } from './decision.entity';
import { GrantRecord } from './grant.entity';
import { CodesModule } from '../codes/codes.module';

/**
 * The arc authorization engine: AuthorizationService.decide (the only place that decides whether an
 * arc may start), the device's arm requests (ARM_REQUEST_HANDLER, injected into the device gateway: DevicesModule.withArmRequestsFrom),
 * phone starts, revocation (immediate via RevocationListener on database triggers, plus a sweep),
 * and the decision/grant timelines. RevocationService.revokeAffected is
 * exported for modules that want a revoke sent right after their change.
 */
@Module({
  imports: [
    TypeOrmModule.forFeature([DecisionRecord, GrantRecord, ArmSession]),
    CodesModule,
    DeviceCoreModule,
    PermitsModule,
    WeldersModule,
    BlackoutsModule,
    AlertsModule,
  ],
  controllers: [ArmSessionsController, DecisionsController],
  providers: [
    AuthorizationService,
    AuthorizationRepository,
    GrantsRepository,
    DecisionAlerts,
    RevocationService,
    RevocationListener,
    PhonePushDelivery,
    ArmSessionsService,
    DecisionsService,
    DecisionMaintenance,
    DecisionRecovery,
    ArmRequestAnswerer,
    { provide: ARM_REQUEST_HANDLER, useExisting: ArmRequestAnswerer },
  ],
  exports: [AuthorizationService, RevocationService, ARM_REQUEST_HANDLER],
})
export class AuthorizationModule {}
