import { Injectable } from '@nestjs/common';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { UsersService } from '../users/users.service';
import { PasswordHasher } from '../common/crypto/password-hasher';
import { LoginSprayLimiter } from './login-spray-limiter';
import { TokenService } from './token.service';

// Compared against when the user does not exist, so that timing does not reveal valid names.
const DUMMY_HASH = '$2b$10$CwTycUXWue0Thq9StjUM0uJ8.0J6pF2mYq3rZQ0H1nKq2rGkF3l9a';

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly spray: LoginSprayLimiter,
  ) {}

  /** `ip`: the client address, for the per-address limit on failed log-ins (password spraying). */
  async login(username: string, password: string, ip: string) {
    // Checked before the (CPU-heavy) password hash: a throttled address costs nothing.
    this.spray.assertAllowed(ip);
    const user = await this.users.findActiveByUsername(username);
    const ok = await this.hasher.verify(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok) {
      await this.spray.recordFailure(ip, username);
      throw new DomainError(ErrorCode.INVALID_CREDENTIALS, 'Wrong user name or password');
    }
    await this.users.markLoggedIn(user.id);
    const { token, expiresIn } = this.tokens.sign({ sub: user.id, role: user.role });
    return { accessToken: token, expiresIn, user: this.users.toView(user) };
  }
}
