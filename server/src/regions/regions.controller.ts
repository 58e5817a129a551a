import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { Role } from '../common/roles/role';
import { CreateRegionDto } from './dto/create-region.dto';
import { Region } from './region.entity';
import { RegionsService } from './regions.service';

@ApiTags('regions')
@ApiBearerAuth()
@Controller('regions')
export class RegionsController {
  constructor(private readonly regions: RegionsService) {}

  @Get()
  @ApiOperation({ summary: 'Administrative regions, parents before children' })
  @ApiQuery({ name: 'under', required: false, description: 'Only this region and its subtree' })
  @ApiOkResponse({ type: [Region] })
  list(@Query('under') under?: string) {
    return this.regions.list(under);
  }

  @Get(':code')
  @ApiOperation({ summary: 'One region' })
  @ApiOkResponse({ type: Region })
  get(@Param('code') code: string) {
    return this.regions.get(code);
  }

  @Post()
  @Roles(Role.PlatformAdmin)
  @ApiOperation({ summary: 'Add a region (platform admin)' })
  @ApiCreatedResponse({ type: Region })
  create(@CurrentActor() actor: Actor, @Body() dto: CreateRegionDto) {
    return this.regions.create(actor, dto);
  }
}
