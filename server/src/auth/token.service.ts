import { Inject, Injectable } from '@nestjs/common';
import jwt from 'jsonwebtoken';
import { APP_CONFIG, AppConfig } from '../config/app-config';

export interface AccessTokenClaims {
  sub: string;
  role: string;
  /** The server-side session (auth_sessions.id) the token belongs to; checked on every request. */
  sid: string;
}

/** Short-lived access tokens (JWT_TTL_SECONDS, default 15 min); the session behind them is what lasts. */
@Injectable()
export class TokenService {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  sign(claims: AccessTokenClaims): { token: string; expiresIn: number } {
    const token = jwt.sign(claims, this.config.secrets.jwt, {
      algorithm: 'HS256',
      expiresIn: this.config.jwtTtlSeconds,
      issuer: 'arcgate',
    });
    return { token, expiresIn: this.config.jwtTtlSeconds };
  }

  /** Returns null for any invalid, expired or foreign token, and for tokens without a session. */
  verify(token: string): AccessTokenClaims | null {
    try {
      const payload = jwt.verify(token, this.config.secrets.jwt, { algorithms: ['HS256'], issuer: 'arcgate' });
      if (typeof payload !== 'object' || typeof payload.sub !== 'string' || typeof payload.sid !== 'string')
        return null;
      return { sub: payload.sub, role: String(payload.role), sid: payload.sid };
    } catch {
      return null;
    }
  }
}
