import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WeldersModule } from '../welders/welders.module';
import { RegionsModule } from '../regions/regions.module';
import { PasswordHasher } from '../common/crypto/password-hasher';
import { EnterpriseStaffRepository, ENTERPRISE_STAFF } from './staff-roster';
import { User } from './user.entity';
import { NOTIFICATION_AUDIENCE, NotificationAudienceTable } from './notification-roster';
import { USER_NAME_LOOKUP, UserNameTableLookup } from './user-name-lookup';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';
import { AccountsService } from './accounts.service';
import { WelderActivation } from './welder-activation.entity';
import { WelderActivationController } from './welder-activation.controller';
import { WelderActivationService } from './welder-activation.service';
import { EnterprisesModule } from '../enterprises/enterprises.module';

@Module({
  imports: [EnterprisesModule, WeldersModule, TypeOrmModule.forFeature([User, WelderActivation]), RegionsModule],
  controllers: [UsersController, WelderActivationController],
  providers: [
    UsersService,
    UsersRepository,
    AccountsService,
    WelderActivationService,
    PasswordHasher,
    { provide: ENTERPRISE_STAFF, useClass: EnterpriseStaffRepository },
    { provide: USER_NAME_LOOKUP, useClass: UserNameTableLookup },
    { provide: NOTIFICATION_AUDIENCE, useClass: NotificationAudienceTable },
  ],
  exports: [UsersService, AccountsService, PasswordHasher, ENTERPRISE_STAFF, USER_NAME_LOOKUP, NOTIFICATION_AUDIENCE],
})
export class UsersModule {}
