import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { CurrentActor, Roles } from '../access/decorators';
import { Role } from '../common/roles/role';
import { HolidayYearDto, HolidayYearParam, RegionalMinimumDto, RegionCodeParam } from './dto/permit-policy.dto';
import { PermitPolicyService } from './permit-policy.service';
import { HolidayYearView, RegionalMinimumView } from './permit-policy.service';

@ApiTags('permits')
@ApiBearerAuth()
@Controller()
export class PermitPolicyController {
  constructor(private readonly policy: PermitPolicyService) {}

  @Get('regions/:code/approval-minimums')
  @Roles(Role.Regulator, Role.PlatformAdmin)
  @ApiOperation({
    summary: 'Minimum approval chains in a region: inherited (platform GB 30871 + wider regions), own rule, effective',
  })
  @ApiOkResponse({ type: RegionalMinimumView })
  getMinimum(@CurrentActor() actor: Actor, @Param() p: RegionCodeParam) {
    return this.policy.getRegionalMinimum(actor, p.code);
  }

  @Put('regions/:code/approval-minimums')
  @Roles(Role.Regulator, Role.PlatformAdmin)
  @ApiOperation({
    summary:
      'Raise the minimum approval chains for a region and its subtree (own region or below); it may add steps, never drop the inherited ones',
  })
  @ApiOkResponse({ type: RegionalMinimumView })
  putMinimum(@CurrentActor() actor: Actor, @Param() p: RegionCodeParam, @Body() dto: RegionalMinimumDto) {
    return this.policy.putRegionalMinimum(actor, p.code, dto);
  }

  @Get('holiday-calendar')
  @ApiOperation({ summary: 'The national statutory holiday calendar (国务院办公厅 节假日安排), per year' })
  @ApiOkResponse({ type: [HolidayYearView] })
  listYears() {
    return this.policy.listHolidayYears();
  }

  @Get('holiday-calendar/:year')
  @ApiOperation({ summary: 'One year of the statutory holiday calendar (unpublished years have no days)' })
  @ApiOkResponse({ type: HolidayYearView })
  getYear(@Param() p: HolidayYearParam) {
    return this.policy.getHolidayYear(p.year);
  }

  @Put('holiday-calendar/:year')
  @Roles(Role.PlatformAdmin)
  @ApiOperation({ summary: 'Enter or correct a year of the statutory holiday calendar from the 国务院办公厅 notice' })
  @ApiOkResponse({ type: HolidayYearView })
  putYear(@CurrentActor() actor: Actor, @Param() p: HolidayYearParam, @Body() dto: HolidayYearDto) {
    return this.policy.putHolidayYear(actor, p.year, dto);
  }
}
