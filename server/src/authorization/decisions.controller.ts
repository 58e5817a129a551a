import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor } from '../access/decorators';
import { ApiPaginatedResponse } from '../common/http/api-paginated-response';
import { DecisionsService } from './decisions.service';
import { DecisionViewDto, GrantViewDto } from './dto/decision.view';
import { ListDecisionsQueryDto, ListGrantsQueryDto } from './dto/list-decisions.query';

@ApiTags('authorization')
@ApiBearerAuth()
@Controller()
export class DecisionsController {
  constructor(private readonly decisions: DecisionsService) {}

  @Get('decisions')
  @ApiOperation({
    summary:
      'Arc authorization decisions (grants and denials with reason codes), newest first; regulators see their subtree, enterprises their own, welders themselves',
  })
  @ApiPaginatedResponse(DecisionViewDto, undefined, { keyset: true })
  list(@CurrentActor() actor: Actor, @Query() q: ListDecisionsQueryDto) {
    return this.decisions.listDecisions(actor, q);
  }

  @Get('grants')
  @ApiOperation({
    summary:
      'Grants (issued, delivered, expiry, revocation) for machine, welder or permit timelines; scoped like decisions',
  })
  @ApiPaginatedResponse(GrantViewDto, undefined, { keyset: true })
  grants(@CurrentActor() actor: Actor, @Query() q: ListGrantsQueryDto) {
    return this.decisions.listGrants(actor, q);
  }
}
