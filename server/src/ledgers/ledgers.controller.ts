import {
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiBody,
  ApiBodyOptions,
  ApiConflictResponse,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { ListEnterprisesQueryDto } from '../enterprises/dto/list-enterprises-query.dto';
import { ListMachinesQueryDto } from '../machines/dto/list-machines-query.dto';
import { Role } from '../common/roles/role';
import { ListWeldersQueryDto } from '../welders/dto/list-welders-query.dto';
import { ImportLedgerQueryDto } from './dto/import-ledger-query.dto';
import { ImportJobDto, ImportJobIdParamDto } from './dto/import-job.dto';
import { TemplateQueryDto } from './dto/template-query.dto';
import { templateLang } from './sheet/ledger-sheet';
import { ExportedFile, ExportedStream } from '../exports/query-export.service';
import { ImportableLedger, LedgersService } from './ledgers.service';
import {
  assertXlsxUpload,
  MAX_UPLOAD_BYTES,
  UploadedSheet,
  XLSX_MIME,
  xlsxDownload,
  xlsxStreamDownload,
} from '../common/http/xlsx-files';

const XLSX_BODY = { content: { [XLSX_MIME]: { schema: { type: 'string', format: 'binary' } } } };
const UPLOAD_BODY: ApiBodyOptions = {
  schema: {
    type: 'object',
    required: ['file'],
    properties: {
      file: { type: 'string', format: 'binary', description: '.xlsx, at most 5 MB, at most 2000 data rows' },
    },
  },
};
/** One file, nothing else of size: multer stops reading past these limits (oversized file: 413). */
const UPLOAD_LIMITS = { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 10, parts: 12 } };
const IMPORT_NOTE =
  'Answers 202 with the job at once; the workbook is parsed and validated in a worker thread (poll GET /api/ledgers/import-jobs/{id}). The zip is checked before parsing: sizes, compression ratio (zip bombs), entry count; more than 2000 data rows stops the parse (job error IMPORT_TOO_MANY_ROWS).';
const IMPORT_413 =
  'PAYLOAD_TOO_LARGE (over 5 MB) or IMPORT_FILE_TOO_LARGE with fields[0].code zipBomb | uncompressedTooLarge | entryTooLarge | tooManyEntries | zip64';
const IMPORT_503 = 'IMPORT_BUSY: the import queue of this server is full; Retry-After says when to retry';
const EXPORT_NOTE =
  "Every matching row, not one page: page and pageSize are ignored. Streamed (chunked, no Content-Length) from one database snapshot: the first bytes come after the first 1,000 rows are read, and the rows are read only as fast as the client downloads them. No row limit but the sheet's (1,048,575 rows; a province's ledgers hold about 200,000). At most two exports run at once per server; more wait their turn.";
const IMPORTERS = [Role.PlatformAdmin, Role.EnterpriseAdmin, Role.SafetyManager];
const EXPORTERS = [Role.PlatformAdmin, Role.Regulator, Role.EnterpriseAdmin, Role.SafetyManager];

function download(file: ExportedFile): StreamableFile {
  return xlsxDownload(file.buffer, file.asciiName, file.chineseName);
}

function streamed(file: ExportedStream): StreamableFile {
  return xlsxStreamDownload(file.stream, file.asciiName, file.chineseName);
}

@ApiTags('ledgers')
@ApiBearerAuth()
@Controller('ledgers')
export class LedgersController {
  constructor(private readonly ledgers: LedgersService) {}

  @Get('templates/machines.xlsx')
  @ApiOperation({ summary: 'Machine ledger (焊机台账) import template, with a 说明 sheet' })
  @ApiProduces(XLSX_MIME)
  @ApiOkResponse(XLSX_BODY)
  async machineTemplate(@Query() query: TemplateQueryDto, @Headers('accept-language') acceptLanguage?: string) {
    return download(await this.ledgers.template('machines', templateLang(query.lang ?? acceptLanguage)));
  }

  @Get('templates/welders.xlsx')
  @ApiOperation({ summary: 'Welder ledger (焊工台账) import template, with a 说明 sheet' })
  @ApiProduces(XLSX_MIME)
  @ApiOkResponse(XLSX_BODY)
  async welderTemplate(@Query() query: TemplateQueryDto, @Headers('accept-language') acceptLanguage?: string) {
    return download(await this.ledgers.template('welders', templateLang(query.lang ?? acceptLanguage)));
  }

  @Post('machines/import')
  @HttpCode(202)
  @Roles(...IMPORTERS)
  @UseInterceptors(FileInterceptor('file', UPLOAD_LIMITS))
  @ApiOperation({
    summary: 'Start a machine ledger import job: all rows or none; each machine gets its QR code',
    description: IMPORT_NOTE,
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody(UPLOAD_BODY)
  @ApiAcceptedResponse({ type: ImportJobDto })
  @ApiPayloadTooLargeResponse({ description: IMPORT_413 })
  @ApiServiceUnavailableResponse({ description: IMPORT_503 })
  importMachines(
    @CurrentActor() actor: Actor,
    @Query() query: ImportLedgerQueryDto,
    @UploadedFile() file: UploadedSheet | undefined,
  ) {
    return this.start(actor, 'machines', query, file);
  }

  @Post('welders/import')
  @HttpCode(202)
  @Roles(...IMPORTERS)
  @UseInterceptors(FileInterceptor('file', UPLOAD_LIMITS))
  @ApiOperation({
    summary: 'Start a welder ledger import job: all rows or none; each welder gets a QR code',
    description: IMPORT_NOTE,
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody(UPLOAD_BODY)
  @ApiAcceptedResponse({ type: ImportJobDto })
  @ApiPayloadTooLargeResponse({ description: IMPORT_413 })
  @ApiServiceUnavailableResponse({ description: IMPORT_503 })
  importWelders(
    @CurrentActor() actor: Actor,
    @Query() query: ImportLedgerQueryDto,
    @UploadedFile() file: UploadedSheet | undefined,
  ) {
    return this.start(actor, 'welders', query, file);
  }

  @Get('import-jobs/:id')
  @Roles(...IMPORTERS)
  @ApiOperation({
    summary: 'An import job you started: state, progress, then its result (imported ids) or its row errors',
  })
  @ApiOkResponse({ type: ImportJobDto })
  importJob(@CurrentActor() actor: Actor, @Param() p: ImportJobIdParamDto) {
    return this.ledgers.getImportJob(actor, p.id);
  }

  @Get('import-jobs/:id/errors.xlsx')
  @Roles(...IMPORTERS)
  @ApiOperation({
    summary: 'Error report of a rejected import: the uploaded sheet plus a 错误 column (formulas neutralised)',
  })
  @ApiProduces(XLSX_MIME)
  @ApiOkResponse(XLSX_BODY)
  @ApiConflictResponse({ description: 'INVALID_STATE: the job was not rejected' })
  async importErrorReport(@CurrentActor() actor: Actor, @Param() p: ImportJobIdParamDto) {
    return download(await this.ledgers.importErrorReport(actor, p.id));
  }

  @Get('enterprises/export.xlsx')
  @Roles(...EXPORTERS)
  @ApiOperation({
    summary: 'Export the enterprises you may see (same filters as GET /api/enterprises; phones masked)',
    description: EXPORT_NOTE,
  })
  @ApiProduces(XLSX_MIME)
  @ApiOkResponse(XLSX_BODY)
  async exportEnterprises(@CurrentActor() actor: Actor, @Query() query: ListEnterprisesQueryDto) {
    return streamed(await this.ledgers.exportEnterprises(actor, query));
  }

  @Get('machines/export.xlsx')
  @Roles(...EXPORTERS)
  @ApiOperation({
    summary: 'Export the machines you may see (same filters as GET /api/machines)',
    description: EXPORT_NOTE,
  })
  @ApiProduces(XLSX_MIME)
  @ApiOkResponse(XLSX_BODY)
  async exportMachines(@CurrentActor() actor: Actor, @Query() query: ListMachinesQueryDto) {
    return streamed(await this.ledgers.exportMachines(actor, query));
  }

  @Get('welders/export.xlsx')
  @Roles(...EXPORTERS)
  @ApiOperation({
    summary: 'Export the welders you may see (same filters as GET /api/welders; ID numbers and phones masked)',
    description: EXPORT_NOTE,
  })
  @ApiProduces(XLSX_MIME)
  @ApiOkResponse(XLSX_BODY)
  async exportWelders(@CurrentActor() actor: Actor, @Query() query: ListWeldersQueryDto) {
    return streamed(await this.ledgers.exportWelders(actor, query));
  }

  private start(actor: Actor, ledger: ImportableLedger, query: ImportLedgerQueryDto, file: UploadedSheet | undefined) {
    assertXlsxUpload(file);
    return this.ledgers.startImport(actor, ledger, query.enterpriseId, file.buffer, file.originalname);
  }
}
