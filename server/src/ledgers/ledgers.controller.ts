import { Controller, Get, Post, Query, Res, StreamableFile, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiBodyOptions, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Response } from 'express';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../auth/decorators';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { ListEnterprisesQueryDto } from '../enterprises/dto/list-enterprises-query.dto';
import { ListMachinesQueryDto } from '../machines/dto/list-machines-query.dto';
import { Role } from '../users/user.entity';
import { ListWeldersQueryDto } from '../welders/dto/list-welders-query.dto';
import { ImportLedgerQueryDto } from './dto/import-ledger-query.dto';
import { ImportResultDto } from './dto/import-result.dto';
import { ExportedFile } from './ledger-export.service';
import { ImportOutcome } from './ledger-import.service';
import { ImportableLedger, LedgersService } from './ledgers.service';
import { assertXlsxUpload, MAX_UPLOAD_BYTES, UploadedSheet, XLSX_MIME, xlsxDownload } from './xlsx-files';

const XLSX_BODY = { content: { [XLSX_MIME]: { schema: { type: 'string', format: 'binary' } } } };
const UPLOAD_BODY: ApiBodyOptions = { schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary', description: '.xlsx, at most 5 MB, at most 2000 data rows' } } } };
/** One file, nothing else of size: multer stops reading past these limits (oversized file: 413). */
const UPLOAD_LIMITS = { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, parts: 12 } };
const EXPORT_NOTE = 'Every matching row, not one page: page and pageSize are ignored. More than 50,000 matching rows: 422 EXPORT_TOO_LARGE (narrow the filters).';
const IMPORTERS = [Role.PlatformAdmin, Role.EnterpriseAdmin, Role.SafetyManager];
const EXPORTERS = [Role.PlatformAdmin, Role.Regulator, Role.EnterpriseAdmin, Role.SafetyManager];

function download(file: ExportedFile): StreamableFile {
  return xlsxDownload(file.buffer, file.asciiName, file.chineseName);
}

@ApiTags('ledgers')
@ApiBearerAuth()
@Controller('ledgers')
export class LedgersController {
  constructor(private readonly ledgers: LedgersService) {}

  @Get('templates/machines.xlsx')
  @ApiOperation({ summary: 'Machine ledger (焊机台账) import template, with a 说明 sheet' })
  @ApiProduces(XLSX_MIME) @ApiOkResponse(XLSX_BODY)
  async machineTemplate() {
    return download(await this.ledgers.template('machines'));
  }

  @Get('templates/welders.xlsx')
  @ApiOperation({ summary: 'Welder ledger (焊工台账) import template, with a 说明 sheet' })
  @ApiProduces(XLSX_MIME) @ApiOkResponse(XLSX_BODY)
  async welderTemplate() {
    return download(await this.ledgers.template('welders'));
  }

  @Post('machines/import')
  @Roles(...IMPORTERS)
  @UseInterceptors(FileInterceptor('file', UPLOAD_LIMITS))
  @ApiOperation({ summary: 'Import a machine ledger: all rows or none; each machine gets its QR code' })
  @ApiConsumes('multipart/form-data') @ApiBody(UPLOAD_BODY)
  @ApiCreatedResponse({ type: ImportResultDto })
  @ApiUnprocessableEntityResponse({ description: 'IMPORT_REJECTED, nothing written: details.rows = [{ row, column, field, code, message }], or with ?report=xlsx the uploaded sheet plus a 错误 column' })
  async importMachines(@CurrentActor() actor: Actor, @Query() query: ImportLedgerQueryDto, @UploadedFile() file: UploadedSheet | undefined, @Res({ passthrough: true }) res: Response) {
    assertXlsxUpload(file);
    return this.answer('machines', await this.ledgers.importMachines(actor, query.enterpriseId, file.buffer), query, file, res);
  }

  @Post('welders/import')
  @Roles(...IMPORTERS)
  @UseInterceptors(FileInterceptor('file', UPLOAD_LIMITS))
  @ApiOperation({ summary: 'Import a welder ledger: all rows or none; each welder gets a QR code' })
  @ApiConsumes('multipart/form-data') @ApiBody(UPLOAD_BODY)
  @ApiCreatedResponse({ type: ImportResultDto })
  @ApiUnprocessableEntityResponse({ description: 'IMPORT_REJECTED, nothing written: details.rows = [{ row, column, field, code, message }], or with ?report=xlsx the uploaded sheet plus a 错误 column' })
  async importWelders(@CurrentActor() actor: Actor, @Query() query: ImportLedgerQueryDto, @UploadedFile() file: UploadedSheet | undefined, @Res({ passthrough: true }) res: Response) {
    assertXlsxUpload(file);
    return this.answer('welders', await this.ledgers.importWelders(actor, query.enterpriseId, file.buffer), query, file, res);
  }

  @Get('enterprises/export.xlsx')
  @Roles(...EXPORTERS)
  @ApiOperation({ summary: 'Export the enterprises you may see (same filters as GET /api/enterprises; phones masked)', description: EXPORT_NOTE })
  @ApiProduces(XLSX_MIME) @ApiOkResponse(XLSX_BODY)
  async exportEnterprises(@CurrentActor() actor: Actor, @Query() query: ListEnterprisesQueryDto) {
    return download(await this.ledgers.exportEnterprises(actor, query));
  }

  @Get('machines/export.xlsx')
  @Roles(...EXPORTERS)
  @ApiOperation({ summary: 'Export the machines you may see (same filters as GET /api/machines)', description: EXPORT_NOTE })
  @ApiProduces(XLSX_MIME) @ApiOkResponse(XLSX_BODY)
  async exportMachines(@CurrentActor() actor: Actor, @Query() query: ListMachinesQueryDto) {
    return download(await this.ledgers.exportMachines(actor, query));
  }

  @Get('welders/export.xlsx')
  @Roles(...EXPORTERS)
  @ApiOperation({ summary: 'Export the welders you may see (same filters as GET /api/welders; ID numbers and phones masked)', description: EXPORT_NOTE })
  @ApiProduces(XLSX_MIME) @ApiOkResponse(XLSX_BODY)
  async exportWelders(@CurrentActor() actor: Actor, @Query() query: ListWeldersQueryDto) {
    return download(await this.ledgers.exportWelders(actor, query));
  }

  private async answer(ledger: ImportableLedger, outcome: ImportOutcome, query: ImportLedgerQueryDto, file: UploadedSheet, res: Response): Promise<ImportResultDto | StreamableFile> {
    if (outcome.ok) return { imported: outcome.imported, ids: outcome.ids };
    if (query.report === 'xlsx') {
      res.status(422);
      return download(await this.ledgers.errorReport(ledger, file.buffer, outcome));
    }
    throw new DomainError(ErrorCode.IMPORT_REJECTED, `导入被拒绝，未写入任何数据: ${outcome.errors.length} 处错误 (import rejected, nothing written)`, [], { rows: outcome.errors });
  }
}
