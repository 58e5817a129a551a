// The one way every page talks to the server: bearer token from localStorage, JSON in and out,
// and the server's error envelope { error: { code, message, fields } } turned into ApiError.
// ApiError.message is the server's English, for the console and logs: pages show i18n/errors.ts's text.

import type { components } from './schema';
import type { ErrorCode } from './types';

export const TOKEN_KEY = 'arcgate.token';
export const USER_KEY = 'arcgate.user';

export type FieldError = components['schemas']['FieldErrorView'];

/** The server's ErrorCode (generated from its OpenAPI document), or what the client says when no server answered. */
export type ApiErrorCode = ErrorCode | 'NETWORK_ERROR' | `HTTP_${number}`;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly fields: FieldError[] = [],
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function getToken(): string | null {
  try {
    return globalThis.localStorage?.getItem(TOKEN_KEY) ?? null;
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  if (token) globalThis.localStorage?.setItem(TOKEN_KEY, token);
  else globalThis.localStorage?.removeItem(TOKEN_KEY);
}

/**
 * The access token lives 15 minutes; the session behind it is renewed with the refresh token, which
 * the browser holds as an httpOnly cookie scripts cannot read. One refresh at a time: concurrent 401s
 * wait for the same one. A "retry" answer means another tab rotated the cookie just now: once more.
 */
let refreshing: Promise<boolean> | null = null;
export function refreshAccessToken(): Promise<boolean> {
  refreshing ??= (async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      let res: Response;
      try {
        res = await fetch('/api/auth/refresh', { method: 'POST', credentials: 'same-origin' });
      } catch {
        return false;
      }
      if (res.ok) {
        setToken(((await res.json()) as { accessToken: string }).accessToken);
        return true;
      }
      const err = await toApiError(res);
      if (!(err.details as { retry?: boolean } | undefined)?.retry) return false;
      await new Promise((r) => setTimeout(r, 300));
    }
    return false;
  })().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** The session is restricted (forced password change / TOTP enrolment): the shell sends the user there. */
let onRestricted: ((code: string) => void) | null = null;
export function setRestrictedHandler(handler: ((code: string) => void) | null): void {
  onRestricted = handler;
}

/** Called when the server says the token is no longer valid (401); the shell sends the user to /login. */
let onUnauthorized: (() => void) | null = null;
export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

type Query = Record<string, string | number | boolean | undefined | null | Array<string | number>>;

/** Builds "/api/x?a=1&b=2", dropping empty values so filters can be passed as-is. */
export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      if (v.length) params.set(k, v.join(','));
    } else params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

export interface ApiInit extends Omit<RequestInit, 'body'> {
  /** Plain objects are sent as JSON; FormData/Blob/string as-is. */
  body?: unknown;
  query?: Query;
  /** Skip the Authorization header (public pages). */
  anonymous?: boolean;
}

/** Parses the server's error envelope; anything else becomes a generic HTTP error. */
export async function toApiError(res: Response): Promise<ApiError> {
  let payload: unknown = null;
  try {
    payload = await res.json();
  } catch {
    payload = null;
  }
  const err = (
    payload as { error?: { code?: string; message?: string; fields?: FieldError[]; details?: unknown } } | null
  )?.error;
  if (err && typeof err.code === 'string') {
    // The envelope is the server's: its code is one of ErrorCode (all-exceptions.filter.ts).
    return new ApiError(
      res.status,
      err.code as ErrorCode,
      err.message ?? err.code,
      Array.isArray(err.fields) ? err.fields : [],
      err.details,
    );
  }
  return new ApiError(res.status, `HTTP_${res.status}`, res.statusText || `HTTP ${res.status}`);
}

function buildRequest(path: string, init: ApiInit): [string, RequestInit] {
  const { body, query, anonymous, headers, ...rest } = init;
  const h = new Headers(headers);
  const token = anonymous ? null : getToken();
  if (token && !h.has('Authorization')) h.set('Authorization', `Bearer ${token}`);
  let sendBody: BodyInit | undefined;
  if (body !== undefined && body !== null) {
    if (
      body instanceof FormData ||
      body instanceof Blob ||
      typeof body === 'string' ||
      body instanceof URLSearchParams
    ) {
      sendBody = body as BodyInit;
    } else {
      h.set('Content-Type', 'application/json');
      sendBody = JSON.stringify(body);
    }
  }
  if (!h.has('Accept')) h.set('Accept', 'application/json');
  return [withQuery(path, query), { ...rest, headers: h, body: sendBody }];
}

async function send(path: string, init: ApiInit, retried = false): Promise<Response> {
  const [url, req] = buildRequest(path, init);
  let res: Response;
  try {
    res = await fetch(url, req);
  } catch (e) {
    throw new ApiError(0, 'NETWORK_ERROR', e instanceof Error ? e.message : 'Network error');
  }
  if (!res.ok) {
    if (res.status === 401 && !init.anonymous && !retried && getToken() && (await refreshAccessToken()))
      return send(path, init, true);
    const error = await toApiError(res);
    if (res.status === 401 && !init.anonymous && onUnauthorized) onUnauthorized();
    if (
      res.status === 403 &&
      (error.code === 'PASSWORD_CHANGE_REQUIRED' || error.code === 'TOTP_ENROLMENT_REQUIRED') &&
      onRestricted
    )
      onRestricted(error.code);
    throw error;
  }
  return res;
}

/** JSON request; resolves to the parsed body (undefined for 204). */
export async function apiFetch<T>(path: string, init: ApiInit = {}): Promise<T> {
  const res = await send(path, init);
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('Content-Type') ?? '';
  if (!type.includes('json')) return (await res.text()) as unknown as T;
  return (await res.json()) as T;
}

/** Authenticated binary download (xlsx, png, html label sheet). */
export async function apiBlob(path: string, init: ApiInit = {}): Promise<{ blob: Blob; filename: string | null }> {
  const res = await send(path, {
    ...init,
    headers: { Accept: '*/*', ...(init.headers as Record<string, string> | undefined) },
  });
  const disposition = res.headers.get('Content-Disposition');
  return { blob: await res.blob(), filename: filenameFromDisposition(disposition) };
}

export function filenameFromDisposition(disposition: string | null): string | null {
  if (!disposition) return null;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      return star[1].trim();
    }
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1].trim() : null;
}

/** Downloads an authenticated file and saves it with the server's file name. */
export async function downloadFile(path: string, fallbackName: string, init: ApiInit = {}): Promise<void> {
  const { blob, filename } = await apiBlob(path, init);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename ?? fallbackName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export interface Paginated<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
  /** More rows match than the server counted: total is the cap ("at least"). */
  totalCapped?: boolean;
  /** Lists paged by cursor: pass back as `cursor` for the next rows; null on the last page. */
  nextCursor?: string | null;
}
