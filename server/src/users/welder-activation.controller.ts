import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../access/decorators';
import { namedThrottlerGuard } from '../common/http/named-throttler';
import {
  ActivatedView,
  ActivationSentView,
  CompleteActivationDto,
  StartActivationDto,
} from './dto/welder-activation.dto';
import { WelderActivationService } from './welder-activation.service';

/** Per address: a site's welders may share one carrier address; a guesser gets few tries. */
export const ActivationStartThrottlerGuard = namedThrottlerGuard({
  name: 'activationStart',
  ttl: 10 * 60_000,
  limit: 20,
});
export const ActivationCompleteThrottlerGuard = namedThrottlerGuard({
  name: 'activationComplete',
  ttl: 10 * 60_000,
  limit: 30,
});

@ApiTags('public')
@Controller('public/welder-activation')
export class WelderActivationController {
  constructor(private readonly activation: WelderActivationService) {}

  @Public()
  @Post()
  @UseGuards(ActivationStartThrottlerGuard)
  @ApiOperation({
    summary:
      'A welder starts activating their own account: ID number, certificate number and phone must match the registry; a 6-digit code is sent by SMS',
  })
  @ApiCreatedResponse({ type: ActivationSentView })
  start(@Body() dto: StartActivationDto): Promise<ActivationSentView> {
    return this.activation.start(dto);
  }

  @Public()
  @Post('complete')
  @HttpCode(200)
  @UseGuards(ActivationCompleteThrottlerGuard)
  @ApiOperation({
    summary: 'With the code, the welder chooses their user name and password (policy); the account is created',
  })
  @ApiOkResponse({ type: ActivatedView })
  complete(@Body() dto: CompleteActivationDto): Promise<ActivatedView> {
    return this.activation.complete(dto);
  }
}
