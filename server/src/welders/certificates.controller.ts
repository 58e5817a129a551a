import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../auth/decorators';
import { Role } from '../users/user.entity';
import { CertificateImportService } from './certificate-import.service';
import { CertificatesService } from './certificates.service';
import { ChangeCertificateStatusDto } from './dto/change-certificate-status.dto';
import { IdParamDto } from './dto/id-param.dto';
import { ImportCertificatesDto } from './dto/import-certificates.dto';

@ApiTags('certificates')
@ApiBearerAuth()
@Controller('certificates')
export class CertificatesController {
  constructor(private readonly certificates: CertificatesService, private readonly importer: CertificateImportService) {}

  @Get(':id')
  @ApiOperation({ summary: 'One certificate (number masked), if you may see its holder' })
  get(@CurrentActor() actor: Actor, @Param() p: IdParamDto) {
    return this.certificates.get(actor, p.id);
  }

  @Post('import')
  @HttpCode(200)
  @Roles(Role.PlatformAdmin, Role.Regulator, Role.EnterpriseAdmin, Role.SafetyManager)
  @ApiOperation({ summary: 'Import certificate records (max 500 rows, all or nothing; existing ones are updated)' })
  import(@CurrentActor() actor: Actor, @Body() dto: ImportCertificatesDto) {
    return this.importer.import(actor, dto);
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
