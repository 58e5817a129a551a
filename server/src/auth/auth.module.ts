// auth/ = AUTHENTICATION: who is calling. Log-in (password + TOTP, lockouts, history), server-side sessions
// (short-lived JWT access tokens naming a session, rotating refresh tokens, idle time-out, log-out), the
// user's own password change, one-time stream tickets, and the global guard that requires a live session
// on every route not marked @Public(). It does not decide what a user may see (access/) nor whether a
// welding machine may arc (authorization/).
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './jwt-auth.guard';
import { LoginAttemptsRepository } from './login-attempts.repository';
import { LoginHistoryRetentionJob } from './login-history-retention.job';
import { LoginSprayLimiter } from './login-spray-limiter';
import { LoginThrottlerGuard } from './login-throttler.guard';
import { SessionService } from './sessions/session.service';
import { SessionsRepository } from './sessions/sessions.repository';
import { TokenService } from './token.service';
import { TotpRepository } from './totp/totp.repository';
import { TotpService } from './totp/totp.service';

@Module({
  imports: [
    UsersModule,
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (c: AppConfig) => [{ name: 'login', ttl: 60_000, limit: c.loginRateLimitPerMinute }],
    }),
  ],
  controllers: [AuthController],
  providers: [
    AuthService,
    TokenService,
    LoginThrottlerGuard,
    LoginSprayLimiter,
    LoginAttemptsRepository,
    LoginHistoryRetentionJob,
    SessionService,
    SessionsRepository,
    TotpService,
    TotpRepository,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
  ],
  exports: [TokenService, SessionService],
})
export class AuthModule {}
