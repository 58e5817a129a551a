import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { paginateWithCursor } from '../common/http/pagination';
import { Role } from '../common/roles/role';
import { ChainReport, verifyAuditChain } from './audit-chain';
import { ApiPaginatedResponse } from '../common/http/api-paginated-response';
import { AuditEntryView, idsOf, toAuditEntryView } from './audit-entry.view';
import { AuditNames } from './audit-names';
import { AuditRepository } from './audit.repository';
import { ListAuditQueryDto } from './dto/list-audit-query.dto';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(
    private readonly entries: AuditRepository,
    private readonly ds: DataSource,
    private readonly names: AuditNames,
  ) {}

  @Get()
  @Roles(Role.PlatformAdmin, Role.Regulator, Role.EnterpriseAdmin, Role.SafetyManager)
  @ApiOperation({
    summary:
      'The audit log (who, when, what, before and after), newest first, within your scope; page on with nextCursor',
  })
  @ApiPaginatedResponse(AuditEntryView, undefined, { keyset: true })
  async list(@CurrentActor() actor: Actor, @Query() q: ListAuditQueryDto) {
    const [items, total, nextCursor] = await this.entries.findPageVisibleTo(actor, q);
    const names = await this.names.resolve(items.flatMap(idsOf));
    return paginateWithCursor(
      items.map((e) => toAuditEntryView(e, names)),
      total,
      q,
      nextCursor,
    );
  }

  @Get('verify')
  @Roles(Role.PlatformAdmin, Role.Regulator)
  @ApiOperation({ summary: 'Verify the hash chain of the whole audit log; names the first broken entry' })
  @ApiOkResponse({ type: ChainReport })
  verify() {
    return verifyAuditChain(this.ds);
  }
}
