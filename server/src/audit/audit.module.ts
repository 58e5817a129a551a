import { Global, Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditNames } from './audit-names';
import { AuditRepository } from './audit.repository';
import { AuditService } from './audit.service';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditEntry } from './audit-entry.entity';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuditEntry])],
  controllers: [AuditController],
  providers: [AuditService, AuditRepository, AuditNames],
  exports: [AuditService],
})
export class AuditModule {}
