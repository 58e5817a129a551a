import { Body, Controller, Get, Headers, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AclAction } from '@arcgate/protocol';
import { Public, Roles } from '../access/decorators';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { Role } from '../common/roles/role';
import { BrokerAuth, BrokerAuthResult, brokerHookSecret, safeEqual } from './broker-auth';

type HookBody = Record<string, unknown>;
/** Whatever the broker sent that is not a JSON object (text/plain, an array) reads as no fields: denied, never a 500. */
const hookBody = (body: unknown): HookBody =>
  typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as HookBody) : {};
const str = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;

/** EMQX `${action}` (publish/subscribe), EMQX 4 `%A` (1 sub, 2 pub), mosquitto `acc` (1 read, 2 write, 3 both, 4 subscribe). */
export function aclActions(action: unknown): AclAction[] | null {
  switch (str(action)) {
    case 'publish':
    case '2':
      return ['publish'];
    case 'subscribe':
    case '1':
    case '4':
      return ['subscribe'];
    case '3':
      return ['subscribe', 'publish'];
    default:
      return null;
  }
}

const CLIENT_ID = {
  type: 'string',
  description: 'MQTT client id; for a device it must equal username (the chip id), else denied',
};
const AUTH_SCHEMA = {
  type: 'object',
  properties: {
    clientid: CLIENT_ID,
    username: { type: 'string' },
    password: { type: 'string' },
    peerhost: { type: 'string' },
  },
};
const ACL_SCHEMA = {
  type: 'object',
  properties: {
    clientid: CLIENT_ID,
    username: { type: 'string' },
    topic: { type: 'string' },
    action: { type: 'string', example: 'publish' },
    acc: { type: 'integer', example: 2 },
  },
};

/**
 * HTTP authentication/ACL for external brokers. The broker, not a user, calls these: they are
 * public routes protected by the X-Broker-Secret header (HMAC-SHA256 of the JWT secret over
 * "broker-hook"). Bodies are read leniently (brokers add fields of their own).
 */
@ApiTags('broker')
@Controller('broker')
export class BrokerHooksController {
  private readonly startedAt = new Date();

  constructor(
    private readonly auth: BrokerAuth,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Public()
  @Post('auth')
  @HttpCode(200)
  @ApiHeader({ name: 'X-Broker-Secret', required: true })
  @ApiBody({ schema: AUTH_SCHEMA })
  @ApiOperation({ summary: 'EMQX HTTP authentication: {"result":"allow"|"deny","is_superuser":bool}' })
  async emqxAuth(@Headers('x-broker-secret') secret: string | undefined, @Body() body: unknown) {
    this.checkSecret(secret);
    const r = await this.authenticate(body);
    return { result: r.ok ? 'allow' : 'deny', is_superuser: r.ok && r.identity.kind === 'server' };
  }

  @Public()
  @Post('acl')
  @HttpCode(200)
  @ApiHeader({ name: 'X-Broker-Secret', required: true })
  @ApiBody({ schema: ACL_SCHEMA })
  @ApiOperation({ summary: 'EMQX HTTP authorization (ACL): {"result":"allow"|"deny"}' })
  emqxAcl(@Headers('x-broker-secret') secret: string | undefined, @Body() body: unknown) {
    this.checkSecret(secret);
    return { result: this.allowed(body, hookBody(body).action ?? hookBody(body).access) ? 'allow' : 'deny' };
  }

  @Public()
  @Post('mosquitto/user')
  @HttpCode(200)
  @ApiHeader({ name: 'X-Broker-Secret', required: true })
  @ApiBody({ schema: AUTH_SCHEMA })
  @ApiOperation({ summary: 'mosquitto-go-auth HTTP backend user check: 200 allow, 403 deny' })
  async mosquittoUser(@Headers('x-broker-secret') secret: string | undefined, @Body() body: unknown) {
    this.checkSecret(secret);
    if (!(await this.authenticate(body)).ok) throw new DomainError(ErrorCode.FORBIDDEN, 'Connection refused');
    return { ok: true };
  }

  @Public()
  @Post('mosquitto/superuser')
  @HttpCode(200)
  @ApiHeader({ name: 'X-Broker-Secret', required: true })
  @ApiBody({ schema: AUTH_SCHEMA })
  @ApiOperation({ summary: "mosquitto-go-auth superuser check: 200 only for the server's own user" })
  mosquittoSuperuser(@Headers('x-broker-secret') secret: string | undefined, @Body() body: unknown) {
    this.checkSecret(secret);
    if (this.auth.identityForUsername(str(hookBody(body).username))?.kind !== 'server')
      throw new DomainError(ErrorCode.FORBIDDEN, 'Not a superuser');
    return { ok: true };
  }

  @Public()
  @Post('mosquitto/acl')
  @HttpCode(200)
  @ApiHeader({ name: 'X-Broker-Secret', required: true })
  @ApiBody({ schema: ACL_SCHEMA })
  @ApiOperation({
    summary: 'mosquitto-go-auth ACL check (acc 1 read, 2 write, 3 both, 4 subscribe): 200 allow, 403 deny',
  })
  mosquittoAcl(@Headers('x-broker-secret') secret: string | undefined, @Body() body: unknown) {
    this.checkSecret(secret);
    if (!this.allowed(body, hookBody(body).acc ?? hookBody(body).action))
      throw new DomainError(ErrorCode.FORBIDDEN, 'Not authorized');
    return { ok: true };
  }

  @Get('refusals')
  @ApiBearerAuth()
  @Roles(Role.PlatformAdmin)
  @ApiOperation({ summary: 'Broker CONNECTs refused since the server started, per reason (platform admin only)' })
  refusals() {
    return { since: this.startedAt.toISOString(), refused: this.auth.refusalCounts() };
  }

  @Get('hook-secret')
  @ApiBearerAuth()
  @Roles(Role.PlatformAdmin)
  @ApiOperation({ summary: 'The X-Broker-Secret value to configure in an external broker (platform admin only)' })
  hookSecret() {
    return { header: 'X-Broker-Secret', value: brokerHookSecret(this.config) };
  }

  /**
   * The broker must pass the client id (EMQX `"clientid": "${clientid}"`; mosquitto-go-auth sends
   * `clientid` itself): without it a device is refused, since the hook could not tell whether the
   * session would take over another device's. A failure here (database down) denies: fail closed.
   */
  private authenticate(raw: unknown): Promise<BrokerAuthResult> {
    const body = hookBody(raw);
    return this.auth.authenticate({
      clientId: str(body.clientid),
      username: str(body.username),
      password: str(body.password),
      remoteAddress: str(body.peerhost ?? body.ipaddress),
      via: 'http',
    });
  }

  private allowed(raw: unknown, action: unknown): boolean {
    const body = hookBody(raw);
    const identity = this.auth.identityForUsername(str(body.username), str(body.clientid));
    const actions = aclActions(action);
    const topic = str(body.topic);
    if (!identity || !actions || !topic) return false;
    return actions.every((a) =>
      this.auth.authorize(identity, a, topic, body.retain === true || body.retain === 'true'),
    );
  }

  private checkSecret(secret: string | undefined): void {
    if (!secret || !safeEqual(secret, brokerHookSecret(this.config)))
      throw new DomainError(ErrorCode.UNAUTHENTICATED, 'Missing or wrong X-Broker-Secret');
  }
}
