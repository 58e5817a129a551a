import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Alert } from './alert.entity';
import { AlertBus } from './alert-bus';
import { AlertHooks } from './alert-hooks';
import { AlertScope } from './alert-scope';
import { AlertStream } from './alert-stream';
import { AlertsController } from './alerts.controller';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { CertificateExpiryScanner } from './certificate-expiry.scanner';
import { EnterprisesModule } from '../enterprises/enterprises.module';
import { RegionsModule } from '../regions/regions.module';
import { AuthModule } from '../auth/auth.module';
import { ExportsModule } from '../exports/exports.module';

/** 告警: raise (other modules call AlertsService.raise), scoped REST, live SSE across replicas, certificate expiry scan. */
@Module({
  imports: [EnterprisesModule, RegionsModule, AuthModule, ExportsModule, TypeOrmModule.forFeature([Alert])],
  controllers: [AlertsController],
  providers: [AlertsService, AlertHooks, AlertsRepository, AlertScope, AlertBus, AlertStream, CertificateExpiryScanner],
  exports: [AlertsService, AlertHooks, AlertScope, CertificateExpiryScanner],
})
export class AlertsModule {}
