import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { PaginationQueryDto } from '../common/http/pagination';
import { uuidParam } from '../common/validation/uuid';
import { Role } from '../common/roles/role';
import { CreateMachineLoanDto, RevokeMachineLoanDto } from './dto/create-machine-loan.dto';
import { MachineLoansService } from './machine-loans.service';

@ApiTags('machine-loans')
@ApiBearerAuth()
@Controller('machine-loans')
export class MachineLoansController {
  constructor(private readonly loans: MachineLoansService) {}

  @Post()
  @Roles(Role.EnterpriseAdmin, Role.SafetyManager, Role.PlatformAdmin)
  @ApiOperation({ summary: 'Lend one of your machines to another enterprise for a period (借用登记)' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateMachineLoanDto) {
    return this.loans.create(actor, dto);
  }

  @Get()
  @ApiOperation({ summary: 'Loans where you can see the lender or the borrower' })
  list(@CurrentActor() actor: Actor, @Query() q: PaginationQueryDto) {
    return this.loans.list(actor, q);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @Roles(Role.EnterpriseAdmin, Role.SafetyManager, Role.PlatformAdmin)
  @ApiOperation({ summary: 'End a loan early (lender)' })
  revoke(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string, @Body() dto: RevokeMachineLoanDto) {
    return this.loans.revoke(actor, id, dto);
  }
}
