import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor } from '../access/decorators';
import { ApiPaginatedResponse } from '../common/http/api-paginated-response';
import { paginateWithCursor } from '../common/http/pagination';
import { ArcsRepository } from './arcs.repository';
import { ArcView } from './arcs.repository';
import { ListArcsQueryDto } from './dto/list-arcs-query.dto';

@ApiTags('arcs')
@ApiBearerAuth()
@Controller('arcs')
export class ArcsController {
  constructor(private readonly arcs: ArcsRepository) {}

  @Get()
  @ApiOperation({
    summary:
      'Recorded arcs (start, stop, duration, current and voltage statistics, authorised or not), newest first, within your scope; page on with nextCursor',
  })
  @ApiPaginatedResponse(ArcView, undefined, { keyset: true })
  async list(@CurrentActor() actor: Actor, @Query() q: ListArcsQueryDto) {
    const [items, total, nextCursor] = await this.arcs.findPageVisibleTo(actor, q);
    return paginateWithCursor(items, total, q, nextCursor);
  }
}
