import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CodesService } from './codes.service';
import { IdentityCode } from './identity-code.entity';

/**
 * Identity codes: issuing, signing and looking up. Registry modules (machines, welders) import it to issue
 * codes in their own transactions; the admin API over codes is CodeManagementModule, which sits above them.
 */
@Module({
  imports: [TypeOrmModule.forFeature([IdentityCode])],
  providers: [CodesService],
  exports: [CodesService],
})
export class CodesModule {}
