import { DynamicModule, Type } from '@nestjs/common';
import { ArcsModule } from './arcs/arcs.module';
import { AlertsModule } from './alerts/alerts.module';
import { AuthorizationModule } from './authorization/authorization.module';
import { BlackoutsModule } from './blackouts/blackouts.module';
import { CodeManagementModule } from './code-management/code-management.module';
import { CodesModule } from './codes/codes.module';
import { DevicesModule } from './devices/devices.module';
import { EnterprisesModule } from './enterprises/enterprises.module';
import { LedgersModule } from './ledgers/ledgers.module';
import { MachinesModule } from './machines/machines.module';
import { MachineLoansModule } from './machine-loans/machine-loans.module';
import { OffPlatformModule } from './off-platform/off-platform.module';
import { PermitsModule } from './permits/permits.module';
import { PublicModule } from './public/public.module';
import { MapModule } from './map/map.module';
import { StatsModule } from './stats/stats.module';
import { WeldersModule } from './welders/welders.module';
import { WebModule } from './web/web.module';
import { ReportsModule } from './reports/reports.module';
import { HazardsModule } from './hazards/hazards.module';
import { InspectionsModule } from './inspections/inspections.module';
import { CasesModule } from './cases/cases.module';
import { RewardsModule } from './rewards/rewards.module';
import { DocumentsModule } from './documents/documents.module';
import { TodayModule } from './today/today.module';
import { RegistrationsModule } from './registrations/registrations.module';
import { NotificationsModule } from './notifications/notifications.module';

/** Feature modules (registry, codes, permits, devices, ...) register here. */
export const FEATURE_MODULES: (Type<unknown> | DynamicModule)[] = [
  ArcsModule,
  CodesModule,
  CodeManagementModule,
  EnterprisesModule,
  MachinesModule,
  PublicModule,
  WeldersModule,
  LedgersModule,
  AlertsModule,
  BlackoutsModule,
  MachineLoansModule,
  PermitsModule,
  DevicesModule.withArmRequestsFrom(AuthorizationModule),
  AuthorizationModule,
  StatsModule,
  MapModule,
  OffPlatformModule,
  ReportsModule,
  HazardsModule,
  InspectionsModule,
  CasesModule,
  RewardsModule,
  DocumentsModule,
  TodayModule,
  RegistrationsModule,
  NotificationsModule,
  // Serves the UI at / (hooks in after the API routes whatever its place here).
  WebModule,
];
