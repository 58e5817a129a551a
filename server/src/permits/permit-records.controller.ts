import {
  Body,
  Controller,
  Get,
  Param,
  Post,
  Query,
  StreamableFile,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { PaginationQueryDto } from '../common/http/pagination';
import { uuidParam } from '../common/validation/uuid';
import { Role } from '../common/roles/role';
import { GasAnalysisDto } from './dto/gas-analysis.dto';
import { MAX_ATTACHMENT_BYTES, PermitRecordsService, UploadedImage } from './permit-records.service';

const WRITERS = [Role.EnterpriseAdmin, Role.SafetyManager, Role.PlatformAdmin];

@ApiTags('permits')
@ApiBearerAuth()
@Controller('permits/:id')
export class PermitRecordsController {
  constructor(private readonly records: PermitRecordsService) {}

  @Post('gas-analyses')
  @Roles(...WRITERS)
  @ApiOperation({
    summary:
      'Record a gas analysis (动火分析); pass/fail is computed: ≤0.5 % vol where LEL ≥ 4 %, ≤0.2 % where LEL < 4 %',
  })
  addGasAnalysis(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Body() dto: GasAnalysisDto) {
    return this.records.addGasAnalysis(actor, id, dto);
  }

  @Get('gas-analyses')
  @ApiOperation({ summary: 'Gas analyses of a permit, oldest first' })
  listGasAnalyses(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Query() q: PaginationQueryDto) {
    return this.records.listGasAnalyses(actor, id, q);
  }

  @Post('attachments')
  @Roles(...WRITERS)
  // Browsers send UTF-8 file names without saying so; multer would read them as latin1.
  @UseInterceptors(
    FileInterceptor('file', { limits: { fileSize: MAX_ATTACHMENT_BYTES, files: 1 }, defParamCharset: 'utf8' }),
  )
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary', description: 'JPEG or PNG, at most 5 MB' } },
    },
  })
  @ApiOperation({ summary: 'Upload a site photo (JPEG or PNG by content, at most 5 MB)' })
  addAttachment(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @UploadedFile() file: UploadedImage | undefined,
  ) {
    return this.records.addAttachment(actor, id, file);
  }

  @Get('attachments')
  @ApiOperation({ summary: 'Photo list of a permit (metadata)' })
  listAttachments(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Query() q: PaginationQueryDto) {
    return this.records.listAttachments(actor, id, q);
  }

  @Get('attachments/:attachmentId')
  @ApiProduces('image/jpeg', 'image/png')
  @ApiOperation({ summary: 'Download a site photo' })
  async download(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Param('attachmentId', uuidParam('attachmentId')) attachmentId: string,
  ) {
    const a = await this.records.attachmentContent(actor, id, attachmentId);
    return new StreamableFile(a.data, {
      type: a.contentType,
      length: a.sizeBytes,
      disposition: `inline; filename*=UTF-8''${encodeURIComponent(a.fileName)}`,
    });
  }
}
