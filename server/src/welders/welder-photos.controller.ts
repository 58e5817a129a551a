import {
  Body,
  Controller,
  Get,
  Header,
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
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { ApiPaginatedResponse } from '../common/http/api-paginated-response';
import { MAX_IMAGE_BYTES, UploadedImage } from '../common/http/image-files';
import { Role } from '../common/roles/role';
import { IdParamDto } from './dto/id-param.dto';
import {
  ListWelderPhotosQueryDto,
  ReviewWelderPhotoDto,
  WelderPhotoStateView,
  WelderPhotoView,
} from './dto/welder-photo.dto';
import { WelderPhotosService } from './welder-photos.service';

const image = (p: { contentType: string; data: Buffer }) =>
  new StreamableFile(p.data, { type: p.contentType, length: p.data.length, disposition: 'inline' });

@ApiTags('welders')
@ApiBearerAuth()
@Controller()
export class WelderPhotosController {
  constructor(private readonly photos: WelderPhotosService) {}

  @Post('welders/:id/photo')
  @HttpCode(200)
  @Roles(Role.PlatformAdmin, Role.EnterpriseAdmin, Role.SafetyManager)
  @UseInterceptors(FileInterceptor('file', { limits: { fileSize: MAX_IMAGE_BYTES, files: 1 } }))
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file'],
      properties: { file: { type: 'string', format: 'binary', description: 'JPEG or PNG, at most 5 MB' } },
    },
  })
  @ApiOperation({
    summary:
      "Upload the welder's portrait (employer): metadata stripped, pending until the regulator of the employer's area approves it",
  })
  @ApiOkResponse({ type: WelderPhotoStateView })
  upload(@CurrentActor() actor: Actor, @Param() p: IdParamDto, @UploadedFile() file: UploadedImage | undefined) {
    return this.photos.upload(actor, p.id, file);
  }

  @Get('welders/:id/photo')
  @ApiOperation({ summary: "The welder's approved portrait and the latest upload's review state" })
  @ApiOkResponse({ type: WelderPhotoStateView })
  state(@CurrentActor() actor: Actor, @Param() p: IdParamDto) {
    return this.photos.state(actor, p.id);
  }

  @Get('welders/:id/photo/image')
  @Header('Cache-Control', 'private, no-store')
  @ApiProduces('image/jpeg', 'image/png')
  @ApiOperation({ summary: "The welder's approved portrait, to whoever may see the welder (the welder: the badge)" })
  async approvedImage(@CurrentActor() actor: Actor, @Param() p: IdParamDto) {
    return image(await this.photos.approvedImage(actor, p.id));
  }

  @Get('welder-photos')
  @Roles(Role.PlatformAdmin, Role.Regulator, Role.EnterpriseAdmin, Role.SafetyManager)
  @ApiOperation({ summary: 'Welder portraits by review state (default: pending), oldest first, in the caller’s scope' })
  @ApiPaginatedResponse(WelderPhotoView)
  list(@CurrentActor() actor: Actor, @Query() q: ListWelderPhotosQueryDto) {
    return this.photos.list(actor, q);
  }

  @Get('welder-photos/:id/image')
  @Roles(Role.PlatformAdmin, Role.Regulator, Role.EnterpriseAdmin, Role.SafetyManager)
  @Header('Cache-Control', 'private, no-store')
  @ApiProduces('image/jpeg', 'image/png')
  @ApiOperation({ summary: 'A portrait under review, to the regulator of the area and the employer' })
  async image(@CurrentActor() actor: Actor, @Param() p: IdParamDto) {
    return image(await this.photos.image(actor, p.id));
  }

  @Post('welder-photos/:id/review')
  @HttpCode(200)
  @Roles(Role.PlatformAdmin, Role.Regulator)
  @ApiOperation({
    summary: "Approve or reject (with a reason) a pending portrait: the regulator of the employer's area",
  })
  @ApiOkResponse({ type: WelderPhotoView })
  review(@CurrentActor() actor: Actor, @Param() p: IdParamDto, @Body() dto: ReviewWelderPhotoDto) {
    return this.photos.review(actor, p.id, dto);
  }
}
