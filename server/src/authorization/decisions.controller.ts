import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor } from '../access/decorators';
import { DecisionsService } from './decisions.service';
import { ListDecisionsQueryDto, ListGrantsQueryDto } from './dto/list-decisions.query';

@ApiTags('authorization')
@ApiBearerAuth()
@Controller()
export class DecisionsController {
  constructor(private readonly decisions: DecisionsService) {}

  @Get('decisions')
  @ApiOperation({ summary: 'Arc authorization decisions (grants and denials with reason codes), newest first; regulators see their subtree, enterprises their own, welders themselves' })
  @ApiOkResponse({ description: 'Paginated { items: DecisionView[], total, page, pageSize }' })
  list(@CurrentActor() actor: Actor, @Query() q: ListDecisionsQueryDto) {
    return this.decisions.listDecisions(actor, q);
  }

  @Get('grants')
  @ApiOperation({ summary: 'Grants (issued, delivered, expiry, revocation) for machine, welder or permit timelines; scoped like decisions' })
  @ApiOkResponse({ description: 'Paginated { items: GrantView[], total, page, pageSize }' })
  grants(@CurrentActor() actor: Actor, @Query() q: ListGrantsQueryDto) {
    return this.decisions.listGrants(actor, q);
  }
}
