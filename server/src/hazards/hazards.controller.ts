import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  StreamableFile,
  UploadedFiles,
  UseInterceptors,
} from '@nestjs/common';
import { FilesInterceptor } from '@nestjs/platform-express';
import {
  ApiBearerAuth,
  ApiBody,
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
import { MAX_PHOTO_BYTES, MAX_REPORT_PHOTOS, UploadedPhoto } from '../common/files/photo-files';
import { ApiPaginatedResponse } from '../common/http/api-paginated-response';
import { Paginated } from '../common/http/pagination';
import { Role } from '../common/roles/role';
import { uuidParam } from '../common/validation/uuid';
import {
  CreateHazardDto,
  ListHazardsQueryDto,
  OrderRectificationDto,
  PromoteToHazardDto,
  RecordMeasureDto,
  ReportRectificationDto,
  SignOffDto,
  VerifyRectificationDto,
} from './dto/hazard.dto';
import { HazardDetailView, HazardMeasureView, HazardSummaryView, SlowProgressView } from './hazard.view';
import { HazardsService } from './hazards.service';

/** One file more than allowed reaches the service, which answers with a field error; beyond that multer stops (413). */
const photoUpload = () =>
  FilesInterceptor('photos', MAX_REPORT_PHOTOS + 1, {
    limits: { fileSize: MAX_PHOTO_BYTES, files: MAX_REPORT_PHOTOS + 1, fields: 20, fieldSize: 16 * 1024 },
  });
const withPhotos = (dto: abstract new (...args: never[]) => unknown) => ({
  schema: {
    allOf: [
      { $ref: getSchemaPath(dto) },
      {
        type: 'object',
        properties: {
          photos: {
            type: 'array',
            maxItems: MAX_REPORT_PHOTOS,
            items: { type: 'string', format: 'binary' },
            description: 'JPEG or PNG, at most 5 MB each',
          },
        },
      },
    ],
  },
});

/** 隐患台账: regulators of the region, the enterprise itself, and platform admins (read only). */
@ApiTags('hazards')
@ApiBearerAuth()
@Roles(Role.PlatformAdmin, Role.Regulator, Role.EnterpriseAdmin, Role.SafetyManager)
@Controller('hazards')
export class HazardsController {
  constructor(private readonly hazards: HazardsService) {}

  @Get()
  @ApiOperation({ summary: 'The hazard register in your scope, newest first, with filters' })
  @ApiPaginatedResponse(HazardSummaryView)
  list(@CurrentActor() actor: Actor, @Query() q: ListHazardsQueryDto): Promise<Paginated<unknown>> {
    return this.hazards.list(actor, q);
  }

  @Get('slow-progress')
  @Roles(Role.PlatformAdmin, Role.Regulator)
  @ApiOperation({ summary: '进展缓慢: enterprises with overdue hazards and the measures recorded against them' })
  @ApiOkResponse({ type: [SlowProgressView] })
  slowProgress(@CurrentActor() actor: Actor): Promise<SlowProgressView[]> {
    return this.hazards.slowProgress(actor);
  }

  @Post('measures')
  @Roles(Role.Regulator)
  @ApiOperation({ summary: '函告、通报、约谈、曝光: a measure against an enterprise' })
  @ApiCreatedResponse({ type: HazardMeasureView })
  recordMeasure(@CurrentActor() actor: Actor, @Body() dto: RecordMeasureDto): Promise<HazardMeasureView> {
    return this.hazards.recordMeasure(actor, dto);
  }

  @Post()
  @Roles(Role.Regulator, Role.EnterpriseAdmin, Role.SafetyManager)
  @UseInterceptors(photoUpload())
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiExtraModels(CreateHazardDto)
  @ApiBody(withPhotos(CreateHazardDto))
  @ApiOperation({
    summary:
      "Register a hazard: an enterprise's self-inspection (企业自查) or a regulator's inspection finding, up to 3 photos",
  })
  @ApiCreatedResponse({ type: HazardDetailView })
  create(
    @CurrentActor() actor: Actor,
    @Body() dto: CreateHazardDto,
    @UploadedFiles() photos: UploadedPhoto[] | undefined,
  ): Promise<HazardDetailView> {
    return this.hazards.create(actor, dto, photos);
  }

  @Post('from-alert/:alertId')
  @Roles(Role.Regulator)
  @ApiOperation({ summary: '线上巡查执法: turn a platform alert into a hazard (once per alert)' })
  @ApiCreatedResponse({ type: HazardDetailView })
  fromAlert(
    @CurrentActor() actor: Actor,
    @Param('alertId', uuidParam('alertId')) alertId: string,
    @Body() dto: PromoteToHazardDto,
  ): Promise<HazardDetailView> {
    return this.hazards.fromAlert(actor, alertId, dto);
  }

  @Post('from-report/:reportId')
  @Roles(Role.Regulator)
  @ApiOperation({ summary: '群众举报查实: turn a confirmed public report into a hazard (once per report)' })
  @ApiCreatedResponse({ type: HazardDetailView })
  fromReport(
    @CurrentActor() actor: Actor,
    @Param('reportId', uuidParam('reportId')) reportId: string,
    @Body() dto: PromoteToHazardDto,
  ): Promise<HazardDetailView> {
    return this.hazards.fromReport(actor, reportId, dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One hazard with its timeline, photos and the steps the caller may take now' })
  @ApiOkResponse({ type: HazardDetailView })
  get(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string): Promise<HazardDetailView> {
    return this.hazards.get(actor, id);
  }

  @Get(':id/photos/:photoId')
  @ApiProduces('image/jpeg', 'image/png')
  @ApiOperation({ summary: 'A photo of a finding or of rectification evidence' })
  async photo(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam('id')) id: string,
    @Param('photoId', uuidParam('photoId')) photoId: string,
  ): Promise<StreamableFile> {
    const p = await this.hazards.photo(actor, id, photoId);
    return new StreamableFile(p.data, { type: p.contentType, length: p.sizeBytes, disposition: 'inline' });
  }

  @Post(':id/order')
  @HttpCode(200)
  @Roles(Role.Regulator)
  @ApiOperation({ summary: '责令限期整改: order rectification by a deadline' })
  @ApiOkResponse({ type: HazardDetailView })
  order(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: OrderRectificationDto,
  ): Promise<HazardDetailView> {
    return this.hazards.order(actor, id, dto);
  }

  @Post(':id/rectify')
  @HttpCode(200)
  @Roles(Role.EnterpriseAdmin, Role.SafetyManager)
  @UseInterceptors(photoUpload())
  @ApiConsumes('multipart/form-data', 'application/json')
  @ApiExtraModels(ReportRectificationDto)
  @ApiBody(withPhotos(ReportRectificationDto))
  @ApiOperation({ summary: 'The enterprise reports its rectification with evidence (text, up to 3 photos)' })
  @ApiOkResponse({ type: HazardDetailView })
  rectify(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: ReportRectificationDto,
    @UploadedFiles() photos: UploadedPhoto[] | undefined,
  ): Promise<HazardDetailView> {
    return this.hazards.rectify(actor, id, dto, photos);
  }

  @Post(':id/verify')
  @HttpCode(200)
  @Roles(Role.Regulator)
  @ApiOperation({ summary: 'Check the rectification on site or on paper: passed, or back to the enterprise' })
  @ApiOkResponse({ type: HazardDetailView })
  verify(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: VerifyRectificationDto,
  ): Promise<HazardDetailView> {
    return this.hazards.verify(actor, id, dto);
  }

  @Post(':id/sign-off')
  @HttpCode(200)
  @Roles(Role.Regulator)
  @ApiOperation({
    summary:
      '销号 or send back: never by whoever handled the item; a major (重大) hazard only by a county-level regulator',
  })
  @ApiOkResponse({ type: HazardDetailView })
  signOff(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: SignOffDto,
  ): Promise<HazardDetailView> {
    return this.hazards.signOff(actor, id, dto);
  }
}
