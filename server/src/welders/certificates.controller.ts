import {
  Body,
  Controller,
  Get,
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
import { MAX_IMAGE_BYTES, UploadedImage } from '../common/http/image-files';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { Role } from '../common/roles/role';
import { CertificateImportService } from './certificate-import.service';
import { VerificationQueue } from './certificate-verification.service';
import { CertificatesService } from './certificates.service';
import { ChangeCertificateStatusDto } from './dto/change-certificate-status.dto';
import { IdParamDto } from './dto/id-param.dto';
import { CertificateVerificationService } from './certificate-verification.service';
import { VerificationQueueQueryDto, VerifyCertificateDto } from './dto/verify-certificate.dto';
import { ImportCertificatesDto } from './dto/import-certificates.dto';
import { CertificateView } from './welder-views';

@ApiTags('certificates')
@ApiBearerAuth()
@Controller('certificates')
export class CertificatesController {
  constructor(
    private readonly certificates: CertificatesService,
    private readonly importer: CertificateImportService,
    private readonly verification: CertificateVerificationService,
  ) {}

  // Declared before ':id' so that the path is not read as a certificate id.
  @Get('verification-queue')
  @Roles(Role.PlatformAdmin, Role.Regulator)
  @ApiOperation({
    summary:
      "Certificate records awaiting verification (or rejected / verified) whose holder's employer is in the regulator's region",
  })
  @ApiOkResponse({ type: VerificationQueue })
  queue(@CurrentActor() actor: Actor, @Query() q: VerificationQueueQueryDto) {
    return this.verification.queue(actor, q);
  }

  @Post(':id/verification')
  @HttpCode(200)
  @Roles(Role.Regulator)
  @ApiOperation({
    summary:
      "Verify or reject (with a reason) a certificate record: regulator of the region of the holder's employer only. Only verified certificates let a welder work.",
  })
  verify(@CurrentActor() actor: Actor, @Param() p: IdParamDto, @Body() dto: VerifyCertificateDto) {
    return this.verification.decide(actor, p.id, dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One certificate (number masked), if you may see its holder' })
  @ApiOkResponse({ type: CertificateView })
  get(@CurrentActor() actor: Actor, @Param() p: IdParamDto) {
    return this.certificates.get(actor, p.id);
  }

  @Post('import')
  @HttpCode(200)
  @Roles(Role.PlatformAdmin, Role.Regulator, Role.EnterpriseAdmin, Role.SafetyManager)
  @ApiOperation({
    summary:
      "Import certificate records (max 500 rows, all or nothing; existing ones are updated). Employer's welders only; rows await verification unless entered by the area's regulator.",
  })
  import(@CurrentActor() actor: Actor, @Body() dto: ImportCertificatesDto) {
    return this.importer.import(actor, dto);
  }

  @Post(':id/photo')
  @HttpCode(200)
  @Roles(Role.PlatformAdmin, Role.Regulator, Role.EnterpriseAdmin, Role.SafetyManager)
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
      "Attach a photo of the certificate itself (employer or the area's regulator), for the regulator who verifies the record; replaces an earlier one",
  })
  uploadPhoto(@CurrentActor() actor: Actor, @Param() p: IdParamDto, @UploadedFile() file: UploadedImage | undefined) {
    return this.certificates.uploadPhoto(actor, p.id, file);
  }

  @Get(':id/photo')
  @ApiProduces('image/jpeg', 'image/png')
  @ApiOperation({ summary: 'The photo of the certificate, to whoever may see the certificate' })
  async photo(@CurrentActor() actor: Actor, @Param() p: IdParamDto) {
    const photo = await this.certificates.photo(actor, p.id);
    return new StreamableFile(photo.data, { type: photo.contentType, length: photo.sizeBytes, disposition: 'inline' });
  }

  @Post(':id/review')
  @HttpCode(200)
  @Roles(Role.PlatformAdmin, Role.Regulator, Role.EnterpriseAdmin, Role.SafetyManager)
  @ApiOperation({ summary: 'Record a 复审 today (window: 60 days before the due date up to it)' })
  review(@CurrentActor() actor: Actor, @Param() p: IdParamDto) {
    return this.certificates.review(actor, p.id);
  }

  @Post(':id/status')
  @HttpCode(200)
  @Roles(Role.PlatformAdmin, Role.Regulator)
  @ApiOperation({ summary: 'Suspend, revoke or reinstate a certificate (regulator of the area or platform admin)' })
  changeStatus(@CurrentActor() actor: Actor, @Param() p: IdParamDto, @Body() dto: ChangeCertificateStatusDto) {
    return this.certificates.changeStatus(actor, p.id, dto);
  }
}
