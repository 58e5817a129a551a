import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { apiFetch, setToken, setUnauthorizedHandler, USER_KEY, getToken } from '../api/client';
import type { components } from '../api/schema';

/** The server's roles and its log-in answer, generated from its OpenAPI document. */
export type Role = components['schemas']['Role'];

export const REGULATOR_ROLES: Role[] = ['platform_admin', 'regulator'];
export const ENTERPRISE_ROLES: Role[] = ['enterprise_admin', 'safety_manager'];
export const STAFF_ROLES: Role[] = [...REGULATOR_ROLES, ...ENTERPRISE_ROLES];

export type SessionUser = components['schemas']['SessionUserDto'];

type LoginResponse = components['schemas']['LoginResponseDto'];

interface SessionValue {
  user: SessionUser | null;
  login(username: string, password: string): Promise<SessionUser>;
  logout(): void;
}

const SessionContext = createContext<SessionValue | null>(null);

function readStoredUser(): SessionUser | null {
  if (!getToken()) return null;
  try {
    const raw = localStorage.getItem(USER_KEY);
    return raw ? (JSON.parse(raw) as SessionUser) : null;
  } catch {
    return null;
  }
}

/** Set when the server refused the token of a signed-in user; read (once) by the log-in page. */
export const SESSION_EXPIRED_KEY = 'arcgate.sessionExpired';

/** Where each role lands after logging in. */
export function homeFor(role: Role): string {
  if (role === 'welder') return '/w';
  if (ENTERPRISE_ROLES.includes(role)) return '/workspace/overview';
  return '/console/overview';
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null>(readStoredUser);

  const logout = useCallback(() => {
    setToken(null);
    localStorage.removeItem(USER_KEY);
    setUser(null);
  }, []);

  useEffect(() => {
    // The server refused the token mid-session: the log-in page says why the user is back there.
    setUnauthorizedHandler(() => {
      try {
        if (getToken()) globalThis.sessionStorage?.setItem(SESSION_EXPIRED_KEY, '1');
      } catch {
        // storage unavailable: the log-in page then shows no notice
      }
      logout();
    });
    return () => setUnauthorizedHandler(null);
  }, [logout]);

  // Refresh the stored profile once, so a role change on the server shows up after reload.
  useEffect(() => {
    if (!getToken()) return;
    apiFetch<SessionUser>('/api/auth/me')
      .then((me) => {
        localStorage.setItem(USER_KEY, JSON.stringify(me));
        setUser(me);
      })
      .catch(() => undefined);
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const res = await apiFetch<LoginResponse>('/api/auth/login', {
      method: 'POST',
      body: { username, password },
      anonymous: true,
    });
    setToken(res.accessToken);
    localStorage.setItem(USER_KEY, JSON.stringify(res.user));
    setUser(res.user);
    return res.user;
  }, []);

  const value = useMemo(() => ({ user, login, logout }), [user, login, logout]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}
