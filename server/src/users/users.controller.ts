import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { CreateUserDto } from './dto/create-user.dto';
import { Role } from '../common/roles/role';
import { UsersService } from './users.service';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Post()
  @Roles(Role.PlatformAdmin, Role.Regulator, Role.EnterpriseAdmin)
  @ApiOperation({ summary: 'Create an account within your own scope' })
  @ApiCreatedResponse({ description: 'The created user (never the password)' })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateUserDto) {
    return this.users.create(actor, dto);
  }
}
