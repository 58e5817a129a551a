import { Type } from '@nestjs/common';
import { AlertsModule } from './alerts/alerts.module';
import { BlackoutsModule } from './blackouts/blackouts.module';
import { CodesModule } from './codes/codes.module';
import { EnterprisesModule } from './enterprises/enterprises.module';
import { LedgersModule } from './ledgers/ledgers.module';
import { MachinesModule } from './machines/machines.module';
import { MachineLoansModule } from './machine-loans/machine-loans.module';
import { PermitsModule } from './permits/permits.module';
import { PublicModule } from './public/public.module';
import { WeldersModule } from './welders/welders.module';

/** Feature modules (registry, codes, permits, devices, ...) register here. */
export const FEATURE_MODULES: Type<unknown>[] = [CodesModule, EnterprisesModule, MachinesModule, PublicModule, WeldersModule, LedgersModule, AlertsModule, BlackoutsModule, MachineLoansModule, PermitsModule];
