import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { ApiPaginatedResponse } from '../common/http/api-paginated-response';
import { Paginated } from '../common/http/pagination';
import { uuidParam } from '../common/validation/uuid';
import { CreateUserDto } from './dto/create-user.dto';
import { AccountView, ChangeRoleDto, ListUsersQueryDto, PasswordResetView } from './dto/manage-user.dto';
import { Role } from '../common/roles/role';
import { AccountsService } from './accounts.service';
import { UsersService } from './users.service';

const MANAGERS = [Role.PlatformAdmin, Role.Regulator, Role.EnterpriseAdmin];

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly accounts: AccountsService,
  ) {}

  @Get()
  @Roles(...MANAGERS)
  @ApiOperation({
    summary:
      'Accounts you manage: platform admins all; regulators the regulator accounts of their subtree; enterprise admins their staff and welders',
  })
  @ApiPaginatedResponse(AccountView)
  list(@CurrentActor() actor: Actor, @Query() q: ListUsersQueryDto): Promise<Paginated<AccountView>> {
    return this.accounts.list(actor, q);
  }

  @Post()
  @Roles(...MANAGERS)
  @ApiOperation({ summary: 'Create an account within your own scope (password policy; changed at first log-in)' })
  @ApiCreatedResponse({ description: 'The created user (never the password)' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateUserDto) {
    return this.users.create(actor, dto);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @Roles(...MANAGERS)
  @ApiOperation({ summary: 'Disable an account you manage (never your own): it can no longer log in' })
  @ApiOkResponse({ type: AccountView })
  disable(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string): Promise<AccountView> {
    return this.accounts.disable(actor, id);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @Roles(...MANAGERS)
  @ApiOperation({ summary: 'Enable a disabled account you manage' })
  @ApiOkResponse({ type: AccountView })
  enable(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string): Promise<AccountView> {
    return this.accounts.enable(actor, id);
  }

  @Post(':id/reset-password')
  @HttpCode(200)
  @Roles(...MANAGERS)
  @ApiOperation({
    summary:
      'Replace the password with a one-time password (shown once; welders get it by SMS) that must be changed at the next log-in',
  })
  @ApiOkResponse({ type: PasswordResetView })
  resetPassword(@CurrentActor() actor: Actor, @Param('id', uuidParam('id')) id: string): Promise<PasswordResetView> {
    return this.accounts.resetPassword(actor, id);
  }

  @Patch(':id/role')
  @Roles(...MANAGERS)
  @ApiOperation({ summary: 'Change an enterprise account between admin and safety manager (never your own)' })
  @ApiOkResponse({ type: AccountView })
  changeRole(
    @CurrentActor() actor: Actor,
    @Param('id', uuidParam('id')) id: string,
    @Body() dto: ChangeRoleDto,
  ): Promise<AccountView> {
    return this.accounts.changeRole(actor, id, dto);
  }
}
