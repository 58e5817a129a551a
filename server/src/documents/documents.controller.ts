import { Controller, Get, Param, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { DomainError } from '../common/errors/domain-error';
import { Role } from '../common/roles/role';
import { uuidParam } from '../common/validation/uuid';
import { DocumentFile, DocumentsService } from './documents.service';

const PDF_MIME = 'application/pdf';
const PDF_BODY = { content: { [PDF_MIME]: { schema: { type: 'string', format: 'binary' } } } };
const rfc5987 = (s: string) =>
  encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

function pdf(file: DocumentFile): StreamableFile {
  return new StreamableFile(file.buffer, {
    type: PDF_MIME,
    length: file.buffer.length,
    disposition: `attachment; filename="${file.asciiName}"; filename*=UTF-8''${rfc5987(file.chineseName)}`,
  });
}

/** A target's place in the draw, 1…200 (as the inspections' routes take it). */
function positionParam(v: string): number {
  if (!/^[1-9]\d{0,2}$/.test(v) || Number(v) > 200)
    throw DomainError.invalid('position', 'isInt', '检查对象序号无效 (invalid position)');
  return Number(v);
}

/**
 * 执法文书 as PDF in Chinese, each with a QR code back to its record. Whoever may read the record may
 * download its documents (the hazard: its enterprise, its regulators, platform admins; an inspection
 * plan: its regulators and platform admins); every download is audited.
 */
@ApiTags('documents')
@ApiBearerAuth()
@Controller()
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Get('hazards/:id/rectification-order.pdf')
  @Roles(Role.PlatformAdmin, Role.Regulator, Role.EnterpriseAdmin, Role.SafetyManager)
  @ApiOperation({ summary: '责令限期整改指令书 (PDF) of an ordered hazard' })
  @ApiProduces(PDF_MIME)
  @ApiOkResponse(PDF_BODY)
  @ApiConflictResponse({ description: 'DOCUMENT_NOT_AVAILABLE: the hazard has not been ordered yet' })
  async rectificationOrder(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string) {
    return pdf(await this.documents.rectificationOrder(actor, id));
  }

  @Get('hazards/:id/review-opinion.pdf')
  @Roles(Role.PlatformAdmin, Role.Regulator, Role.EnterpriseAdmin, Role.SafetyManager)
  @ApiOperation({
    summary: '整改复查意见书 (PDF): the latest review of the rectification (passed, signed off or sent back)',
  })
  @ApiProduces(PDF_MIME)
  @ApiOkResponse(PDF_BODY)
  @ApiConflictResponse({ description: 'DOCUMENT_NOT_AVAILABLE: the rectification has not been reviewed yet' })
  async reviewOpinion(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string) {
    return pdf(await this.documents.reviewOpinion(actor, id));
  }

  @Get('inspection-plans/:id/targets/:position/record.pdf')
  @Roles(Role.PlatformAdmin, Role.Regulator)
  @ApiOperation({ summary: '现场检查记录 (PDF) of a drawn enterprise, once an inspector has checked in on site' })
  @ApiProduces(PDF_MIME)
  @ApiOkResponse(PDF_BODY)
  @ApiConflictResponse({ description: 'DOCUMENT_NOT_AVAILABLE: no inspector has checked in yet' })
  async inspectionRecord(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Param('position') position: string,
  ) {
    return pdf(await this.documents.inspectionRecord(actor, id, positionParam(position)));
  }
}
