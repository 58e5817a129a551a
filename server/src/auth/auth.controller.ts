import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Ip,
  Param,
  Post,
  Req,
  Res,
  UseGuards,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Actor } from '../access/actor';
import { DomainError } from '../common/errors/domain-error';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { UsersService } from '../users/users.service';
import { AuthService, ClientInfo } from './auth.service';
import { CurrentActor, Public, Roles } from '../access/decorators';
import { Role } from '../common/roles/role';
import { uuidParam } from '../common/validation/uuid';
import {
  ChangePasswordDto,
  ChangePasswordResponseDto,
  LoggedOutEverywhereDto,
  LoginDto,
  LoginHistoryEntryDto,
  LoginResponseDto,
  RecoveryCodesDto,
  RefreshResponseDto,
  SessionIdParam,
  SessionUserDto,
  SessionViewDto,
  TotpCodeDto,
  TotpDisableDto,
  TotpEnrolmentDto,
  TotpStatusDto,
} from './dto/login.dto';
import { LoginThrottlerGuard } from './login-throttler.guard';
import { namedThrottlerGuard } from '../common/http/named-throttler';
import { AllowRestricted, CurrentSessionId } from './session.decorators';
import { SessionService } from './sessions/session.service';
import { NoQueryDto } from '../common/http/no-query.dto';

/** Refreshes per address per minute: every console tab refreshes about every 15 min; many people share an office's address. */
const RefreshThrottlerGuard = namedThrottlerGuard({ name: 'authRefresh', ttl: 60_000, limit: 120 });

/**
 * The refresh token travels only as this cookie: httpOnly (page scripts, hence XSS, cannot read it),
 * SameSite=Strict (never sent on a cross-site request, so no CSRF on /refresh), Path=/api/auth (not sent
 * with any other request), Secure in production. The short-lived access token is what scripts hold.
 */
export const REFRESH_COOKIE = 'arcgate_rt';
const COOKIE_PATH = '/api/auth';

function client(req: Request, ip: string): ClientInfo {
  const ua = req.headers['user-agent'];
  return { ip, userAgent: typeof ua === 'string' ? ua : null };
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly sessions: SessionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private setRefreshCookie(res: Response, token: string, expires: Date) {
    res.cookie(REFRESH_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.config.nodeEnv === 'production',
      path: COOKIE_PATH,
      expires,
    });
  }

  private clearRefreshCookie(res: Response) {
    res.clearCookie(REFRESH_COOKIE, { httpOnly: true, sameSite: 'strict', path: COOKIE_PATH });
  }

  @Public()
  @UseGuards(LoginThrottlerGuard)
  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Log in with user name and password (+ totpCode or recoveryCode when TOTP is on); returns a short-lived access token and sets the refresh cookie',
  })
  @ApiOkResponse({ type: LoginResponseDto })
  @ApiUnauthorizedResponse({ description: 'INVALID_CREDENTIALS; TOTP_REQUIRED (send totpCode or recoveryCode)' })
  @ApiTooManyRequestsResponse({
    description:
      'TOO_MANY_REQUESTS (one user name from one address), LOGIN_THROTTLED (too many failed log-ins from one address across user names) or ACCOUNT_LOCKED (too many failed log-ins of this account; details.lockedUntil); all with Retry-After',
  })
  async login(
    @Body() dto: LoginDto,
    @Ip() ip: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LoginResponseDto> {
    const out = await this.auth.login(dto, client(req, ip));
    this.setRefreshCookie(res, out.refreshToken, out.refreshExpiresAt);
    return out.body;
  }

  @Public()
  @UseGuards(RefreshThrottlerGuard)
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A new access token from the refresh cookie, which is rotated; a reused refresh token revokes its session',
  })
  @ApiOkResponse({ type: RefreshResponseDto })
  @ApiUnauthorizedResponse({ description: 'SESSION_ENDED' })
  async refresh(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<RefreshResponseDto> {
    const cookies = req.cookies as Record<string, unknown> | undefined;
    const token = typeof cookies?.[REFRESH_COOKIE] === 'string' ? cookies[REFRESH_COOKIE] : undefined;
    try {
      const out = await this.auth.refresh(token);
      this.setRefreshCookie(res, out.refreshToken, out.refreshExpiresAt);
      return out.body;
    } catch (e) {
      if (!(e instanceof DomainError && e.details?.retry)) this.clearRefreshCookie(res);
      throw e;
    }
  }

  @Post('logout')
  @HttpCode(204)
  @AllowRestricted()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Ends this session: its access and refresh tokens stop working at once' })
  @ApiNoContentResponse()
  async logout(
    @CurrentActor() actor: Actor,
    @CurrentSessionId() sid: string,
    @Query() _none: NoQueryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    await this.auth.logout(actor, sid);
    this.clearRefreshCookie(res);
  }

  @Post('logout-all')
  @HttpCode(200)
  @AllowRestricted()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Log out everywhere: ends every session of the caller, this one included' })
  @ApiOkResponse({ type: LoggedOutEverywhereDto })
  async logoutAll(
    @CurrentActor() actor: Actor,
    @Query() _none: NoQueryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<LoggedOutEverywhereDto> {
    const sessionsEnded = await this.auth.logoutEverywhere(actor);
    this.clearRefreshCookie(res);
    return { sessionsEnded };
  }

  @Get('me')
  @AllowRestricted()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The logged-in user and their scope' })
  @ApiOkResponse({ type: SessionUserDto })
  me(@CurrentActor() actor: Actor) {
    return this.users.describeActor(actor);
  }

  @Post('password')
  @HttpCode(200)
  @AllowRestricted()
  @ApiBearerAuth()
  @ApiOperation({
    summary:
      'Change my own password (current + new, checked by the password policy); ends my other sessions and lifts a forced change',
  })
  @ApiOkResponse({ type: ChangePasswordResponseDto })
  changePassword(
    @CurrentActor() actor: Actor,
    @CurrentSessionId() sid: string,
    @Body() dto: ChangePasswordDto,
    @Ip() ip: string,
    @Req() req: Request,
  ): Promise<ChangePasswordResponseDto> {
    return this.auth.changeOwnPassword(actor, sid, dto.currentPassword, dto.newPassword, client(req, ip));
  }

  @Get('sessions')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'My live sessions (devices logged in)' })
  @ApiOkResponse({ type: [SessionViewDto] })
  async mySessions(@CurrentActor() actor: Actor, @CurrentSessionId() sid: string): Promise<SessionViewDto[]> {
    const rows = await this.sessions.listLive(actor.userId!);
    return rows.map((r) => ({
      id: r.id,
      createdAt: r.createdAt,
      lastSeenAt: r.lastSeenAt,
      ip: r.ip,
      userAgent: r.userAgent,
      current: r.id === sid,
    }));
  }

  @Delete('sessions/:id')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Ends one of my sessions' })
  @ApiNoContentResponse()
  async revokeSession(@CurrentActor() actor: Actor, @Param() p: SessionIdParam): Promise<void> {
    if (!(await this.sessions.findOwn(actor.userId!, p.id))) throw DomainError.notFound('Session');
    await this.sessions.end(p.id, 'revoked_by_user');
  }

  @Get('login-history')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'My last 100 log-in attempts: time, address, user agent, result' })
  @ApiOkResponse({ type: [LoginHistoryEntryDto] })
  loginHistory(@CurrentActor() actor: Actor) {
    return this.auth.history(actor);
  }

  @Get('accounts/:id/login-history')
  @Roles(Role.PlatformAdmin, Role.Regulator, Role.EnterpriseAdmin)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The last 100 log-in attempts of an account you manage: time, address, user agent, result' })
  @ApiOkResponse({ type: [LoginHistoryEntryDto] })
  accountLoginHistory(@CurrentActor() actor: Actor, @Param('id', uuidParam()) id: string) {
    return this.auth.historyOfAccount(actor, id);
  }

  @Get('totp')
  @AllowRestricted()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'My two-factor state' })
  @ApiOkResponse({ type: TotpStatusDto })
  totpStatus(@CurrentActor() actor: Actor) {
    return this.auth.totpStatus(actor);
  }

  @Post('totp/enrol')
  @HttpCode(200)
  @AllowRestricted()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Starts TOTP enrolment: a new secret as otpauth URI and QR code (confirm with a code)' })
  @ApiOkResponse({ type: TotpEnrolmentDto })
  totpEnrol(@CurrentActor() actor: Actor, @Query() _none: NoQueryDto) {
    return this.auth.totpEnrol(actor);
  }

  @Post('totp/confirm')
  @HttpCode(200)
  @AllowRestricted()
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Confirms TOTP with a first code; answers the one-time recovery codes' })
  @ApiOkResponse({ type: RecoveryCodesDto })
  totpConfirm(@CurrentActor() actor: Actor, @CurrentSessionId() sid: string, @Body() dto: TotpCodeDto) {
    return this.auth.totpConfirm(actor, sid, dto.code);
  }

  @Post('totp/disable')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Turns TOTP off (password + a current code or recovery code); refused where required' })
  @ApiNoContentResponse()
  async totpDisable(@CurrentActor() actor: Actor, @Body() dto: TotpDisableDto, @Ip() ip: string, @Req() req: Request) {
    await this.auth.totpDisable(actor, dto.password, dto.code, client(req, ip));
  }
}
