import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { ApiPaginatedResponse } from '../common/http/api-paginated-response';
import { uuidParam } from '../common/validation/uuid';
import { Role } from '../common/roles/role';
import { CreatePermitDto } from './dto/create-permit.dto';
import { EvaluateDto } from './dto/evaluate.dto';
import { ListPermitsQuery } from './dto/list-permits.query';
import { UpdatePermitDto } from './dto/update-permit.dto';
import { ApproveDto, CloseDto, ExtendDto, ReasonDto } from './dto/workflow.dto';
import { FormGuideQuery } from './dto/form-guide.query';
import { AwaitingCountView, PermitFormGuideView, PermitPrintView } from './permit-guide.view';
import { PermitDetailView, PermitSummaryView } from './permit-view';
import { PermitWorkflowService } from './permit-workflow.service';
import { PermitsService } from './permits.service';

const WRITERS = [Role.EnterpriseAdmin, Role.SafetyManager, Role.PlatformAdmin];

@ApiTags('permits')
@ApiBearerAuth()
@Controller('permits')
export class PermitsController {
  constructor(
    private readonly permits: PermitsService,
    private readonly workflow: PermitWorkflowService,
  ) {}

  @Post()
  @Roles(...WRITERS)
  @ApiOperation({
    summary: 'Draft a hot-work permit (动火作业票)',
    description:
      'Checks the window against the level maximum (after the holiday/night upgrade) and that welders and machines belong to, are engaged with or lent to the enterprise.',
  })
  @ApiCreatedResponse({ type: PermitDetailView })
  create(@CurrentActor() actor: Actor, @Body() dto: CreatePermitDto) {
    return this.permits.create(actor, dto);
  }

  @Get()
  @ApiOperation({ summary: 'Permits you may see (enterprise scope, region subtree, or naming you as welder)' })
  @ApiPaginatedResponse(PermitSummaryView)
  list(@CurrentActor() actor: Actor, @Query() q: ListPermitsQuery) {
    return this.permits.list(actor, q);
  }

  @Get('form-guide')
  @Roles(...WRITERS)
  @ApiOperation({
    summary: 'What the permit form shows before submit',
    description:
      'For a level and window: the effective level and its maximum window, the gas analysis rules, the approvers of each step, and every welder and machine of the enterprise with the reason (if any) it cannot work in the window — the same rules submission enforces.',
  })
  @ApiOkResponse({ type: PermitFormGuideView })
  formGuide(@CurrentActor() actor: Actor, @Query() q: FormGuideQuery) {
    return this.permits.formGuide(actor, q);
  }

  @Get('awaiting-me')
  @ApiOperation({ summary: "How many submitted permits wait for the caller's signature (the menu badge)" })
  @ApiOkResponse({ type: AwaitingCountView })
  awaitingMe(@CurrentActor() actor: Actor) {
    return this.permits.awaitingMe(actor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One permit with its approval trail, gas analyses, checklist, extensions and photo list' })
  @ApiOkResponse({ type: PermitDetailView })
  get(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.permits.get(actor, id);
  }

  @Get(':id/print')
  @ApiOperation({
    summary: 'The printable 动火安全作业票 (GB 30871 form): permit, welders with masked certificate numbers, QR code',
  })
  @ApiOkResponse({ type: PermitPrintView })
  print(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.permits.printable(actor, id);
  }

  @Patch(':id')
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Edit a draft or a rejected permit' })
  @ApiOkResponse({ type: PermitDetailView })
  update(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Body() dto: UpdatePermitDto) {
    return this.permits.update(actor, id, dto);
  }

  @Post(':id/submit')
  @HttpCode(200)
  @Roles(...WRITERS)
  @ApiOperation({
    summary: 'Submit for approval',
    description:
      'Enforces every rule: enterprise active, window length, fire watcher, checklist, certificates valid for the whole window, machines usable.',
  })
  @ApiOkResponse({ type: PermitDetailView })
  submit(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.workflow.submit(actor, id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Roles(Role.EnterpriseAdmin, Role.SafetyManager)
  @ApiOperation({
    summary: 'Sign the current approval step (of the permit or its pending extension)',
    description: "The signer must hold the step's position and must not be the applicant.",
  })
  @ApiOkResponse({ type: PermitDetailView })
  approve(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Body() dto: ApproveDto) {
    return this.workflow.approve(actor, id, dto);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Roles(Role.EnterpriseAdmin, Role.SafetyManager)
  @ApiOperation({ summary: 'Reject at the current step: the permit returns to the applicant with the reason' })
  @ApiOkResponse({ type: PermitDetailView })
  reject(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Body() dto: ReasonDto) {
    return this.workflow.reject(actor, id, dto);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Cancel (applicant or an approver), any time before close' })
  @ApiOkResponse({ type: PermitDetailView })
  cancel(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Body() dto: ReasonDto) {
    return this.workflow.cancel(actor, id, dto);
  }

  @Post(':id/extend')
  @HttpCode(200)
  @Roles(...WRITERS)
  @ApiOperation({
    summary:
      'Request an extension (延期): approved through the same chain, never beyond the level maximum from the original start',
  })
  @ApiOkResponse({ type: PermitDetailView })
  extend(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Body() dto: ExtendDto) {
    return this.workflow.extend(actor, id, dto);
  }

  @Post(':id/close')
  @HttpCode(200)
  @Roles(...WRITERS)
  @ApiOperation({ summary: 'Close: when work stopped and when the fire watch ended (at least 30 min later)' })
  @ApiOkResponse({ type: PermitDetailView })
  close(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Body() dto: CloseDto) {
    return this.workflow.close(actor, id, dto);
  }

  @Post(':id/evaluate')
  @HttpCode(200)
  @Roles(Role.EnterpriseAdmin, Role.SafetyManager, Role.Regulator, Role.PlatformAdmin)
  @ApiOperation({
    summary:
      "May this welder weld with this machine here and now under this permit? (the authorization engine's check, with a reason code)",
  })
  @ApiOkResponse({ description: '{ allowed, reason, message: { zh, en }, permit? }' })
  evaluate(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Body() dto: EvaluateDto) {
    return this.permits.evaluateFor(actor, id, dto);
  }
}
