import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { PaginationQueryDto } from '../common/http/pagination';
import { Role } from '../common/roles/role';
import { CertificatesService } from './certificates.service';
import { CreateCertificateDto } from './dto/create-certificate.dto';
import { CreateEngagementDto } from './dto/create-engagement.dto';
import { EndEngagementDto, EngagementParamDto } from './dto/end-engagement.dto';
import { CreateTrainingDto } from './dto/create-training.dto';
import { IdParamDto } from './dto/id-param.dto';
import { EngagementsService } from './engagements.service';
import { TrainingsService } from './trainings.service';

/** Records hanging off one welder: engagements, certificates entered by hand, training. */
@ApiTags('welders')
@ApiBearerAuth()
@Controller('welders/:id')
export class WelderRecordsController {
  constructor(
    private readonly engagements: EngagementsService,
    private readonly certificates: CertificatesService,
    private readonly trainings: TrainingsService,
  ) {}

  @Post('engagements')
  @Roles(Role.PlatformAdmin, Role.EnterpriseAdmin, Role.SafetyManager)
  @ApiOperation({
    summary: 'Record that the welder works for another enterprise (劳务派遣 / 外包 / 承包); employer only',
  })
  engage(@CurrentActor() actor: Actor, @Param() p: IdParamDto, @Body() dto: CreateEngagementDto) {
    return this.engagements.create(actor, p.id, dto);
  }

  @Post('engagements/:engagementId/end')
  @HttpCode(200)
  @Roles(Role.PlatformAdmin, Role.EnterpriseAdmin, Role.SafetyManager)
  @ApiOperation({
    summary:
      'End an engagement early (today at the earliest); employer or host; refused while a permit of the host still names the welder',
  })
  endEngagement(@CurrentActor() actor: Actor, @Param() p: EngagementParamDto, @Body() dto: EndEngagementDto) {
    return this.engagements.end(actor, p.id, p.engagementId, dto);
  }

  @Post('certificates')
  @Roles(Role.PlatformAdmin, Role.EnterpriseAdmin, Role.SafetyManager)
  @ApiOperation({ summary: 'Enter a 特种作业操作证 by hand; expiry and review dates are computed' })
  addCertificate(@CurrentActor() actor: Actor, @Param() p: IdParamDto, @Body() dto: CreateCertificateDto) {
    return this.certificates.addManual(actor, p.id, dto);
  }

  @Post('trainings')
  @Roles(Role.PlatformAdmin, Role.Regulator, Role.EnterpriseAdmin, Role.SafetyManager)
  @ApiOperation({ summary: 'Record training (分级培训): county/township by regulators, enterprise by the enterprise' })
  addTraining(@CurrentActor() actor: Actor, @Param() p: IdParamDto, @Body() dto: CreateTrainingDto) {
    return this.trainings.record(actor, p.id, dto);
  }

  @Get('trainings')
  @ApiOperation({ summary: 'Training records of the welder, most recent first' })
  listTrainings(@CurrentActor() actor: Actor, @Param() p: IdParamDto, @Query() query: PaginationQueryDto) {
    return this.trainings.list(actor, p.id, query);
  }
}
