import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, apiFetch, filenameFromDisposition, withQuery } from './client';

const store = new Map<string, string>();
vi.stubGlobal('localStorage', {
  getItem: (k: string) => store.get(k) ?? null,
  setItem: (k: string, v: string) => void store.set(k, v),
  removeItem: (k: string) => void store.delete(k),
});

afterEach(() => {
  store.clear();
  vi.restoreAllMocks();
});

describe('api client', () => {
  it('drops empty filters from the query string', () => {
    expect(withQuery('/api/machines', { q: '', status: 'active', page: 2, hasChip: undefined, ids: ['a', 'b'] })).toBe(
      '/api/machines?status=active&page=2&ids=a%2Cb',
    );
    expect(withQuery('/api/x?a=1', { b: 2 })).toBe('/api/x?a=1&b=2');
  });

  it('sends the stored token and JSON body', async () => {
    store.set('arcgate.token', 'tok123');
    const fetchMock = vi.fn(
      async () =>
        new Response(JSON.stringify({ ok: true }), { status: 200, headers: { 'Content-Type': 'application/json' } }),
    );
    vi.stubGlobal('fetch', fetchMock);
    const res = await apiFetch<{ ok: boolean }>('/api/things', { method: 'POST', body: { a: 1 } });
    expect(res).toEqual({ ok: true });
    const [, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    const headers = new Headers(init.headers);
    expect(headers.get('Authorization')).toBe('Bearer tok123');
    expect(headers.get('Content-Type')).toBe('application/json');
    expect(init.body).toBe('{"a":1}');
  });

  it('turns the error envelope into ApiError with field errors for forms', async () => {
    const body = {
      error: {
        code: 'VALIDATION_FAILED',
        message: 'Invalid input',
        fields: [{ field: 'site.point.lat', code: 'max', message: 'lat must not be greater than 90' }],
      },
    };
    vi.stubGlobal(
      'fetch',
      vi.fn(
        async () =>
          new Response(JSON.stringify(body), { status: 400, headers: { 'Content-Type': 'application/json' } }),
      ),
    );
    const err = await apiFetch('/api/permits', { method: 'POST', body: {} }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', message: 'Invalid input' });
    expect(err).toMatchObject({ fields: [{ field: 'site.point.lat', code: 'max' }] });
  });

  it('reads the UTF-8 file name of downloads', () => {
    expect(
      filenameFromDisposition(`attachment; filename="machines-2026.xlsx"; filename*=UTF-8''%E7%84%8A%E6%9C%BA.xlsx`),
    ).toBe('焊机.xlsx');
    expect(filenameFromDisposition('inline; filename="a.png"')).toBe('a.png');
    expect(filenameFromDisposition(null)).toBeNull();
  });
});
