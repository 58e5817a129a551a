import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnterprisesModule } from '../enterprises/enterprises.module';
import { RegionsModule } from '../regions/regions.module';
import { UsersModule } from '../users/users.module';
import { EnterpriseApplication } from './enterprise-application.entity';
import { PublicRegistrationsController } from './public-registrations.controller';
import { RegistrationsController } from './registrations.controller';
import { RegistrationsRepository } from './registrations.repository';
import { RegistrationsService } from './registrations.service';

/** 企业注册: self-registration of enterprises and its review by the township. */
@Module({
  imports: [TypeOrmModule.forFeature([EnterpriseApplication]), EnterprisesModule, UsersModule, RegionsModule],
  controllers: [PublicRegistrationsController, RegistrationsController],
  providers: [RegistrationsService, RegistrationsRepository],
})
export class RegistrationsModule {}
