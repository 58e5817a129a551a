import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor } from '../access/decorators';
import { CodeManagementService } from './code-management.service';
import { CodeReasonDto } from './dto/code-reason.dto';
import { CodeSubjectParamsDto, SUBJECT_SEGMENTS } from './dto/code-subject-params.dto';
import { CodeViewDto } from './dto/code-view.dto';
import { LabelSheetQueryDto } from './dto/label-sheet-query.dto';
import { QrPngQueryDto } from './dto/qr-png-query.dto';

const KIND_PARAM = { name: 'kind', enum: Object.keys(SUBJECT_SEGMENTS), description: 'machines or welders' };
const ID_PARAM = { name: 'id', format: 'uuid', description: 'Machine or welder id' };

@ApiTags('codes')
@ApiBearerAuth()
@Controller('codes')
export class CodesController {
  constructor(private readonly codes: CodeManagementService) {}

  // Declared before ":kind/:id" routes for readability; the segment counts differ anyway.
  @Get('labels')
  @Header('Cache-Control', 'private, no-store')
  @Header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'")
  @ApiOperation({
    summary: 'Printable A4 HTML sheet of machine QR labels (电焊机二维码标签), 1-200 machines visible to the caller',
  })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'text/html; charset=utf-8', schema: { type: 'string' } })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: a machine is unknown or outside your scope (details.machineIds)' })
  @ApiConflictResponse({ description: 'INVALID_STATE: a machine has no active code (details.machineIds)' })
  async labels(@CurrentActor() actor: Actor, @Query() q: LabelSheetQueryDto): Promise<StreamableFile> {
    const html = await this.codes.labelSheet(actor, q.machineIds);
    return new StreamableFile(Buffer.from(html, 'utf8'), {
      type: 'text/html; charset=utf-8',
      disposition: 'inline; filename="machine-labels.html"',
    });
  }

  @Get(':kind/:id')
  @ApiOperation({ summary: 'The active QR code of a machine or welder' })
  @ApiParam(KIND_PARAM)
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: CodeViewDto })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: unknown, outside your scope, or no active code' })
  get(@CurrentActor() actor: Actor, @Param() p: CodeSubjectParamsDto): Promise<CodeViewDto> {
    return this.codes.getActive(actor, SUBJECT_SEGMENTS[p.kind], p.id);
  }

  @Get(':kind/:id/qr.png')
  @Header('Cache-Control', 'private, no-store')
  @ApiOperation({ summary: 'PNG image of the active QR code (error correction M)' })
  @ApiParam(KIND_PARAM)
  @ApiParam(ID_PARAM)
  @ApiProduces('image/png')
  @ApiOkResponse({ description: 'image/png', schema: { type: 'string', format: 'binary' } })
  @ApiNotFoundResponse({ description: 'NOT_FOUND' })
  async png(
    @CurrentActor() actor: Actor,
    @Param() p: CodeSubjectParamsDto,
    @Query() q: QrPngQueryDto,
  ): Promise<StreamableFile> {
    const img = await this.codes.png(actor, SUBJECT_SEGMENTS[p.kind], p.id, q.size);
    return new StreamableFile(img.body, {
      type: 'image/png',
      disposition: `inline; filename="${img.code}.png"`,
      length: img.body.length,
    });
  }

  @Get(':kind/:id/qr.svg')
  @Header('Cache-Control', 'private, no-store')
  @ApiOperation({ summary: 'SVG image of the active QR code (error correction M)' })
  @ApiParam(KIND_PARAM)
  @ApiParam(ID_PARAM)
  @ApiProduces('image/svg+xml')
  @ApiOkResponse({ description: 'image/svg+xml', schema: { type: 'string' } })
  @ApiNotFoundResponse({ description: 'NOT_FOUND' })
  async svg(@CurrentActor() actor: Actor, @Param() p: CodeSubjectParamsDto): Promise<StreamableFile> {
    const img = await this.codes.svg(actor, SUBJECT_SEGMENTS[p.kind], p.id);
    return new StreamableFile(img.body, {
      type: 'image/svg+xml; charset=utf-8',
      disposition: `inline; filename="${img.code}.svg"`,
      length: img.body.length,
    });
  }

  @Post(':kind/:id/reissue')
  @ApiOperation({
    summary: 'Replace the active code with a new one (lost badge, damaged label); owning enterprise or platform admin',
  })
  @ApiParam(KIND_PARAM)
  @ApiParam(ID_PARAM)
  @ApiCreatedResponse({ type: CodeViewDto })
  @ApiForbiddenResponse({ description: 'FORBIDDEN: readable but not yours to change' })
  @ApiConflictResponse({ description: 'MACHINE_RETIRED' })
  reissue(
    @CurrentActor() actor: Actor,
    @Param() p: CodeSubjectParamsDto,
    @Body() dto: CodeReasonDto,
  ): Promise<CodeViewDto> {
    return this.codes.reissue(actor, SUBJECT_SEGMENTS[p.kind], p.id, dto.reason);
  }

  @Post(':kind/:id/revoke')
  @HttpCode(200)
  @ApiOperation({ summary: 'Revoke the active code without a replacement; owning enterprise or platform admin' })
  @ApiParam(KIND_PARAM)
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: CodeViewDto, description: 'The revoked code' })
  @ApiForbiddenResponse({ description: 'FORBIDDEN: readable but not yours to change' })
  @ApiNotFoundResponse({ description: 'NOT_FOUND: unknown, outside your scope, or no active code' })
  revoke(
    @CurrentActor() actor: Actor,
    @Param() p: CodeSubjectParamsDto,
    @Body() dto: CodeReasonDto,
  ): Promise<CodeViewDto> {
    return this.codes.revoke(actor, SUBJECT_SEGMENTS[p.kind], p.id, dto.reason);
  }
}
