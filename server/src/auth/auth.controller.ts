import { Body, Controller, Get, HttpCode, Ip, Post, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Actor } from '../access/actor';
import { UsersService } from '../users/users.service';
import { AuthService } from './auth.service';
import { CurrentActor, Public } from '../access/decorators';
import { LoginDto, LoginResponseDto } from './dto/login.dto';
import { LoginThrottlerGuard } from './login-throttler.guard';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  @Public()
  @UseGuards(LoginThrottlerGuard)
  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Log in with user name and password; returns a JWT access token (rate-limited per address and user)',
  })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiUnauthorizedResponse({ description: 'INVALID_CREDENTIALS' })
  @ApiTooManyRequestsResponse({
    description:
      'TOO_MANY_REQUESTS (one user name from one address), or LOGIN_THROTTLED (too many failed log-ins from one address across user names, details.retryAfterS); both with Retry-After',
  })
  login(@Body() dto: LoginDto, @Ip() ip: string) {
    return this.auth.login(dto.username, dto.password, ip);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The logged-in user and their scope' })
  me(@CurrentActor() actor: Actor) {
    return this.users.describeActor(actor);
  }
}
