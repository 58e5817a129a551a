import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Certificate } from './certificate.entity';
import { CertificatePhoto } from './certificate-photo.entity';
import { CertificateImportService } from './certificate-import.service';
import { CERTIFICATE_REGISTRY, ImportedCertificateRegistry } from './certificate-registry';
import { CertificatesController } from './certificates.controller';
import { CertificateVerificationService } from './certificate-verification.service';
import { NotConnectedOfficialSource, OFFICIAL_CERTIFICATE_SOURCE } from './official-certificate-source';
import { CertificatesRepository } from './certificates.repository';
import { CertificatesService } from './certificates.service';
import { EngagementsRepository } from './engagements.repository';
import { EngagementsService } from './engagements.service';
import { TrainingRecord } from './training-record.entity';
import { TrainingsRepository } from './trainings.repository';
import { TrainingsService } from './trainings.service';
import { WelderAccess } from './welder-access';
import { WelderEngagement } from './welder-engagement.entity';
import { WelderRecordsController } from './welder-records.controller';
import { Welder } from './welder.entity';
import { WelderPhoto } from './welder-photo.entity';
import { WelderPhotosController } from './welder-photos.controller';
import { WelderPhotosRepository } from './welder-photos.repository';
import { WelderPhotosService } from './welder-photos.service';
import { WELDER_ROSTER, WelderRosterRepository } from './welder-roster';
import { WELDER_SCOPE_LOOKUP } from './welder-scope-lookup';
import { WeldersController } from './welders.controller';
import { WeldersRepository } from './welders.repository';
import { WeldersService } from './welders.service';
import { CodesModule } from '../codes/codes.module';
import { EnterprisesModule } from '../enterprises/enterprises.module';
import { CERTIFICATE_CENSUS, CertificateCensusQuery } from './certificate-census';

/** Welders, their certificates (behind CERTIFICATE_REGISTRY), training and engagements; other modules read welders through WELDER_ROSTER. */
@Module({
  imports: [
    EnterprisesModule,
    CodesModule,
    TypeOrmModule.forFeature([Welder, WelderEngagement, Certificate, CertificatePhoto, TrainingRecord, WelderPhoto]),
  ],
  controllers: [WeldersController, WelderRecordsController, CertificatesController, WelderPhotosController],
  providers: [
    WeldersRepository,
    EngagementsRepository,
    CertificatesRepository,
    TrainingsRepository,
    WelderAccess,
    WeldersService,
    WelderPhotosRepository,
    WelderPhotosService,
    EngagementsService,
    CertificatesService,
    CertificateImportService,
    TrainingsService,
    ImportedCertificateRegistry,
    { provide: CERTIFICATE_REGISTRY, useExisting: ImportedCertificateRegistry },
    CertificateVerificationService,
    { provide: WELDER_ROSTER, useClass: WelderRosterRepository },
    { provide: WELDER_SCOPE_LOOKUP, useExisting: WelderAccess },
    { provide: CERTIFICATE_CENSUS, useClass: CertificateCensusQuery },
    // No official register is reachable yet; a connector replaces this binding (official-certificate-source.ts).
    { provide: OFFICIAL_CERTIFICATE_SOURCE, useClass: NotConnectedOfficialSource },
  ],
  exports: [
    WeldersService,
    WelderAccess,
    CERTIFICATE_REGISTRY,
    ImportedCertificateRegistry,
    OFFICIAL_CERTIFICATE_SOURCE,
    WELDER_ROSTER,
    WELDER_SCOPE_LOOKUP,
    CERTIFICATE_CENSUS,
  ],
})
export class WeldersModule {}
