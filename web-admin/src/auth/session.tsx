import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { apiFetch, setRestrictedHandler, setToken, setUnauthorizedHandler, USER_KEY, getToken } from '../api/client';
import type { components } from '../api/schema';

/** The server's roles and its log-in answer, generated from its OpenAPI document. */
export type Role = components['schemas']['Role'];

export const REGULATOR_ROLES: Role[] = ['platform_admin', 'regulator'];
export const ENTERPRISE_ROLES: Role[] = ['enterprise_admin', 'safety_manager'];
export const STAFF_ROLES: Role[] = [...REGULATOR_ROLES, ...ENTERPRISE_ROLES];

export type SessionUser = components['schemas']['SessionUserDto'];

type LoginResponse = components['schemas']['LoginResponseDto'];

/** What a restricted session must do before anything else (the server enforces it; the shell routes there). */
export type Restriction = 'password' | 'totp' | null;

const RESTRICT_KEY = 'arcgate.restrict';
const IDLE_KEY = 'arcgate.idleS';
/** The last user activity (any tab): the idle log-out counts from it. */
const ACTIVITY_KEY = 'arcgate.activity';

export interface SecondFactor {
  totpCode?: string;
  recoveryCode?: string;
}

interface SessionValue {
  user: SessionUser | null;
  /** The server refused the stored token (401) while logged in: the log-in page says so. */
  sessionExpired: boolean;
  /** Logged out for inactivity (idle time-out): the log-in page says so. */
  idleLoggedOut: boolean;
  restriction: Restriction;
  login(username: string, password: string, second?: SecondFactor): Promise<SessionUser>;
  /** Ends the session on the server too (its tokens stop working at once). */
  logout(): void;
  /** After the password change / TOTP enrolment the server released the session. */
  setRestriction(r: Restriction): void;
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

function readRestriction(): Restriction {
  const r = localStorage.getItem(RESTRICT_KEY);
  return r === 'password' || r === 'totp' ? r : null;
}

/** Where each role lands after logging in. */
export function homeFor(role: Role): string {
  if (role === 'welder') return '/w';
  if (ENTERPRISE_ROLES.includes(role)) return '/workspace/overview';
  return '/console/overview';
}

/** Where a restricted session must go first. */
export function restrictionPath(r: Restriction): string | null {
  return r === 'password' ? '/account/password' : r === 'totp' ? '/account/two-factor' : null;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null>(readStoredUser);
  const [sessionExpired, setSessionExpired] = useState(false);
  const [idleLoggedOut, setIdleLoggedOut] = useState(false);
  const [restriction, setRestrictionState] = useState<Restriction>(readRestriction);

  const setRestriction = useCallback((r: Restriction) => {
    if (r) localStorage.setItem(RESTRICT_KEY, r);
    else localStorage.removeItem(RESTRICT_KEY);
    setRestrictionState(r);
  }, []);

  const clearLocal = useCallback(() => {
    setToken(null);
    localStorage.removeItem(USER_KEY);
    localStorage.removeItem(RESTRICT_KEY);
    setRestrictionState(null);
    setUser(null);
  }, []);

  const logout = useCallback(() => {
    if (getToken())
      void apiFetch('/api/auth/logout', { method: 'POST' })
        .catch(() => undefined)
        .finally(clearLocal);
    else clearLocal();
    // The user leaves at once; the server call finishes in the background.
    setUser(null);
  }, [clearLocal]);

  // A 401 after a failed refresh means the session ended; the route guards then send the user to /login.
  useEffect(() => {
    setUnauthorizedHandler(() => {
      if (getToken()) setSessionExpired(true);
      clearLocal();
    });
    setRestrictedHandler((code) => setRestriction(code === 'PASSWORD_CHANGE_REQUIRED' ? 'password' : 'totp'));
    return () => {
      setUnauthorizedHandler(null);
      setRestrictedHandler(null);
    };
  }, [clearLocal, setRestriction]);

  // Idle log-out: no mouse, key or touch activity (in any tab) for the server's idle time-out.
  useEffect(() => {
    if (!user) return;
    const mark = () => localStorage.setItem(ACTIVITY_KEY, String(Date.now()));
    mark();
    const events = ['mousedown', 'keydown', 'touchstart', 'wheel'] as const;
    let last = 0;
    const onActivity = () => {
      const now = Date.now();
      if (now - last > 5000) {
        last = now;
        mark();
      }
    };
    events.forEach((e) => window.addEventListener(e, onActivity, { passive: true }));
    const timer = setInterval(() => {
      const idleS = Number(localStorage.getItem(IDLE_KEY) ?? 1800);
      const at = Number(localStorage.getItem(ACTIVITY_KEY) ?? Date.now());
      if (Date.now() - at > idleS * 1000) {
        setIdleLoggedOut(true);
        logout();
      }
    }, 15_000);
    return () => {
      events.forEach((e) => window.removeEventListener(e, onActivity));
      clearInterval(timer);
    };
  }, [user, logout]);

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

  const login = useCallback(
    async (username: string, password: string, second: SecondFactor = {}) => {
      const res = await apiFetch<LoginResponse>('/api/auth/login', {
        method: 'POST',
        body: { username, password, ...second },
        anonymous: true,
      });
      setToken(res.accessToken);
      localStorage.setItem(USER_KEY, JSON.stringify(res.user));
      localStorage.setItem(IDLE_KEY, String(res.idleTimeoutS));
      setRestriction(res.mustChangePassword ? 'password' : res.mustEnrolTotp ? 'totp' : null);
      setSessionExpired(false);
      setIdleLoggedOut(false);
      setUser(res.user);
      return res.user;
    },
    [setRestriction],
  );

  const value = useMemo(
    () => ({ user, sessionExpired, idleLoggedOut, restriction, login, logout, setRestriction }),
    [user, sessionExpired, idleLoggedOut, restriction, login, logout, setRestriction],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}
