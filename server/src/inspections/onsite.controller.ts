import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  Patch,
  Post,
  StreamableFile,
  UploadedFile,
  UploadedFiles,
  UseInterceptors,
} from '@nestjs/common';
import { FileInterceptor, FilesInterceptor } from '@nestjs/platform-express';
import {
  ApiBearerAuth,
  ApiBody,
  ApiBodyOptions,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { DomainError } from '../common/errors/domain-error';
import { MAX_PHOTO_BYTES, MAX_REPORT_PHOTOS, UploadedPhoto } from '../common/files/photo-files';
import { Role } from '../common/roles/role';
import { uuidParam } from '../common/validation/uuid';
import {
  HandOverDto,
  HandOverNewHazardDto,
  OnSiteScanDto,
  SignOnSiteDto,
  UnregisteredMachineDto,
  UpdateOnSiteRecordDto,
  VerifyOnSiteDto,
} from './dto/onsite.dto';
import { MAX_SIGNATURE_BYTES } from './onsite-rules';
import { OnSiteService } from './onsite.service';
import { InspectionRecordView, MyInspectionTargetView, OnSiteScanView } from './onsite.view';

/** A target's place in the draw, 1…200. */
function positionParam(v: string): number {
  if (!/^[1-9]\d{0,2}$/.test(v) || Number(v) > 200)
    throw DomainError.invalid('position', 'isInt', '检查对象序号无效 (invalid position)');
  return Number(v);
}

/** One file more than allowed reaches the service, which answers with a field error; beyond that multer stops (413). */
const photoUpload = () =>
  FilesInterceptor('photos', MAX_REPORT_PHOTOS + 1, {
    limits: { fileSize: MAX_PHOTO_BYTES, files: MAX_REPORT_PHOTOS + 1, fields: 20, fieldSize: 16 * 1024 },
  });
/** Up to twice the limit reaches the service (a 413 with the field code); beyond that multer stops. */
const signatureUpload = () =>
  FileInterceptor('signature', {
    limits: { fileSize: MAX_SIGNATURE_BYTES * 2, files: 1, fields: 10, fieldSize: 4 * 1024 },
  });
const multipart = (
  dto: abstract new (...args: never[]) => unknown,
  files: Record<string, { type: string; [k: string]: unknown }>,
) =>
  ({
    schema: { allOf: [{ $ref: getSchemaPath(dto) }, { type: 'object', properties: files }] },
  }) as ApiBodyOptions;

/** 五现场 on the inspector's phone (issue 15 §2). Enterprises are the subject here, never a reader. */
@ApiTags('inspections')
@ApiBearerAuth()
@Roles(Role.PlatformAdmin, Role.Regulator)
@Controller()
export class OnSiteController {
  constructor(private readonly onSite: OnSiteService) {}

  @Get('inspection-targets/mine')
  @Roles(Role.Regulator)
  @ApiOperation({ summary: 'The enterprises you were drawn to inspect, with address and how far each visit is' })
  @ApiOkResponse({ type: [MyInspectionTargetView] })
  mine(@CurrentActor() actor: Actor): Promise<MyInspectionTargetView[]> {
    return this.onSite.mine(actor);
  }

  @Get('inspection-plans/:id/targets/:position/record')
  @ApiOperation({
    summary: '五现场 record of one target: check-in, scans, machines with no code, findings, hand-over, signature',
  })
  @ApiOkResponse({ type: InspectionRecordView })
  record(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Param('position') position: string,
  ): Promise<InspectionRecordView> {
    return this.onSite.record(actor, id, positionParam(position));
  }

  @Patch('inspection-plans/:id/targets/:position/record')
  @Roles(Role.Regulator)
  @ApiOperation({ summary: '现场查 / 现场讲: the findings and what was explained (until signed)' })
  @ApiOkResponse({ type: InspectionRecordView })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Param('position') position: string,
    @Body() dto: UpdateOnSiteRecordDto,
  ): Promise<InspectionRecordView> {
    return this.onSite.update(actor, id, positionParam(position), dto);
  }

  @Post('inspection-plans/:id/targets/:position/scans')
  @Roles(Role.Regulator)
  @ApiOperation({
    summary: 'Scan a machine code or welder badge on site: registration, chip, permit, certificate, recent arcs',
  })
  @ApiCreatedResponse({ type: OnSiteScanView })
  scan(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Param('position') position: string,
    @Body() dto: OnSiteScanDto,
  ): Promise<OnSiteScanView> {
    return this.onSite.scan(actor, id, positionParam(position), dto);
  }

  @Post('inspection-plans/:id/targets/:position/unregistered-machines')
  @Roles(Role.Regulator)
  @UseInterceptors(photoUpload())
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiExtraModels(UnregisteredMachineDto)
  @ApiBody(
    multipart(UnregisteredMachineDto, {
      photos: { type: 'array', maxItems: MAX_REPORT_PHOTOS, items: { type: 'string', format: 'binary' } },
    }),
  )
  @ApiOperation({
    summary:
      'A machine found on site with no code: a hazard (焊机未加芯赋码) and an off-platform finding, up to 3 photos',
  })
  @ApiCreatedResponse({ type: InspectionRecordView })
  unregistered(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Param('position') position: string,
    @Body() dto: UnregisteredMachineDto,
    @UploadedFiles() photos: UploadedPhoto[] | undefined,
  ): Promise<InspectionRecordView> {
    return this.onSite.unregisteredMachine(actor, id, positionParam(position), dto, photos);
  }

  @Post('inspection-plans/:id/targets/:position/hazards')
  @Roles(Role.Regulator)
  @ApiOperation({ summary: '现场交办: register a finding as a hazard of this visit and order it with a deadline' })
  @ApiCreatedResponse({ type: InspectionRecordView })
  handOverNew(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Param('position') position: string,
    @Body() dto: HandOverNewHazardDto,
  ): Promise<InspectionRecordView> {
    return this.onSite.handOverNew(actor, id, positionParam(position), dto);
  }

  @Post('inspection-plans/:id/targets/:position/hazards/:hazardId/hand-over')
  @Roles(Role.Regulator)
  @HttpCode(200)
  @ApiOperation({ summary: '现场交办: order a hazard of this visit (e.g. a machine with no code) with a deadline' })
  @ApiOkResponse({ type: InspectionRecordView })
  handOver(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Param('position') position: string,
    @Param('hazardId', uuidParam('hazardId')) hazardId: string,
    @Body() dto: HandOverDto,
  ): Promise<InspectionRecordView> {
    return this.onSite.handOver(actor, id, positionParam(position), hazardId, dto);
  }

  @Post('inspection-plans/:id/targets/:position/hazards/:hazardId/verify')
  @Roles(Role.Regulator)
  @HttpCode(200)
  @ApiOperation({
    summary: '现场验收: verify on site a hazard this visit handed over, once the enterprise rectified it',
  })
  @ApiOkResponse({ type: InspectionRecordView })
  verify(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Param('position') position: string,
    @Param('hazardId', uuidParam('hazardId')) hazardId: string,
    @Body() dto: VerifyOnSiteDto,
  ): Promise<InspectionRecordView> {
    return this.onSite.verify(actor, id, positionParam(position), hazardId, dto);
  }

  @Post('inspection-plans/:id/targets/:position/signature')
  @Roles(Role.Regulator)
  @HttpCode(200)
  @UseInterceptors(signatureUpload())
  @ApiConsumes('multipart/form-data')
  @ApiExtraModels(SignOnSiteDto)
  @ApiBody(
    multipart(SignOnSiteDto, {
      signature: { type: 'string', format: 'binary', description: 'PNG drawn on the phone, at most 200 KB' },
    }),
  )
  @ApiOperation({ summary: '现场签字: the representative’s signature (PNG) and name; closes the record' })
  @ApiOkResponse({ type: InspectionRecordView })
  sign(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Param('position') position: string,
    @Body() dto: SignOnSiteDto,
    @UploadedFile() signature: UploadedPhoto | undefined,
  ): Promise<InspectionRecordView> {
    return this.onSite.sign(actor, id, positionParam(position), dto, signature);
  }

  @Get('inspection-plans/:id/targets/:position/signature.png')
  @ApiProduces('image/png')
  @Header('Cache-Control', 'private, no-store')
  @ApiOkResponse({ content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } })
  @ApiOperation({ summary: 'The representative’s signature as drawn (PNG)' })
  async signature(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam()) id: string,
    @Param('position') position: string,
  ): Promise<StreamableFile> {
    const png = await this.onSite.signature(actor, id, positionParam(position));
    return new StreamableFile(png, { type: 'image/png', length: png.length });
  }
}
