import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EnterprisesModule } from '../enterprises/enterprises.module';
import { HazardsModule } from '../hazards/hazards.module';
import { InspectionsModule } from '../inspections/inspections.module';
import { DocumentNumber } from './document-number.entity';
import { DocumentNumbersRepository } from './document-numbers.repository';
import { DocumentsController } from './documents.controller';
import { DocumentsService } from './documents.service';
import { DocumentRenderer } from './render/render-off-thread';

/** 执法文书 (issue 15 §2): the enforcement documents as PDF. AuditService, Clock and the config are global. */
@Module({
  imports: [EnterprisesModule, HazardsModule, InspectionsModule, TypeOrmModule.forFeature([DocumentNumber])],
  controllers: [DocumentsController],
  providers: [DocumentsService, DocumentNumbersRepository, DocumentRenderer],
})
export class DocumentsModule {}
