// auth/ = AUTHENTICATION: who is calling. Log-in (password, throttled), JWT issue and check, and the
// global guard that requires a token on every route not marked @Public(). It does not decide what a
// user may see (access/) nor whether a welding machine may arc (authorization/).
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { JwtAuthGuard } from './jwt-auth.guard';
import { LoginSprayLimiter } from './login-spray-limiter';
import { LoginThrottlerGuard } from './login-throttler.guard';

import { TokenService } from './token.service';

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
    { provide: APP_GUARD, useClass: JwtAuthGuard },
  ],
  exports: [TokenService],
})
export class AuthModule {}
