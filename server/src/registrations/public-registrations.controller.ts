import { Body, Controller, Get, Header, Param, Post, UploadedFile, UseGuards, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import { Public } from '../access/decorators';
import { MAX_PHOTO_BYTES, UploadedPhoto } from '../common/files/photo-files';
import { namedThrottlerGuard } from '../common/http/named-throttler';
import { PublicRegistrationStatusView, RegistrationReceiptView, SubmitRegistrationDto } from './dto/registration.dto';
import { RegistrationsService } from './registrations.service';

/** Applications per address: an agency may register several clients, a flood is stopped. */
export const RegistrationThrottlerGuard = namedThrottlerGuard({ name: 'registration', ttl: 10 * 60_000, limit: 20 });
/** Status look-ups per address per minute: tracking codes have 50 random bits. */
export const RegistrationStatusThrottlerGuard = namedThrottlerGuard({
  name: 'registrationStatus',
  ttl: 60_000,
  limit: 30,
});

@ApiTags('public')
@Controller('public/enterprise-registrations')
export class PublicRegistrationsController {
  constructor(private readonly registrations: RegistrationsService) {}

  @Public()
  @Post()
  @UseGuards(RegistrationThrottlerGuard)
  @UseInterceptors(
    FileInterceptor('licence', { limits: { fileSize: MAX_PHOTO_BYTES, files: 1, fields: 20, fieldSize: 16 * 1024 } }),
  )
  @ApiConsumes('multipart/form-data')
  @ApiExtraModels(SubmitRegistrationDto)
  @ApiBody({
    schema: {
      allOf: [
        { $ref: getSchemaPath(SubmitRegistrationDto) },
        {
          type: 'object',
          required: ['licence'],
          properties: {
            licence: { type: 'string', format: 'binary', description: '营业执照 photo, JPEG or PNG, at most 5 MB' },
          },
        },
      ],
    },
  })
  @ApiOperation({
    summary:
      '企业注册: an enterprise applies to join; its township reviews. Answers a tracking code (rate-limited per address)',
  })
  @ApiCreatedResponse({ type: RegistrationReceiptView })
  @ApiTooManyRequestsResponse({ description: 'TOO_MANY_REQUESTS' })
  submit(
    @Body() dto: SubmitRegistrationDto,
    @UploadedFile() licence: UploadedPhoto | undefined,
  ): Promise<RegistrationReceiptView> {
    return this.registrations.submit(dto, licence);
  }

  @Public()
  @Get(':trackingCode')
  @UseGuards(RegistrationStatusThrottlerGuard)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Where an application stands, by its tracking code' })
  @ApiOkResponse({ type: PublicRegistrationStatusView })
  @ApiNotFoundResponse({ description: 'No application has this tracking code' })
  status(@Param('trackingCode') trackingCode: string): Promise<PublicRegistrationStatusView> {
    return this.registrations.publicStatus(trackingCode);
  }
}
