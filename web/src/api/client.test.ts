import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, api, buildUrl, onUnauthorized, toApiError } from './client';

describe('buildUrl', () => {
  it('encodes query parameters and skips empty ones', () => {
    expect(buildUrl('/api/residents', { q: '张建国', limit: 20, x: undefined, y: null })).toBe(
      '/api/residents?q=%E5%BC%A0%E5%BB%BA%E5%9B%BD&limit=20',
    );
    expect(buildUrl('/api/x')).toBe('/api/x');
    expect(buildUrl('/api/x?a=1', { b: 2 })).toBe('/api/x?a=1&b=2');
  });
});

describe('toApiError', () => {
  it('keeps the server code, message and field issues', () => {
    const e = toApiError(400, {
      error: 'validation',
      message: 'body.reason: too short',
      issues: [{ field: 'body.reason', message: 'too short' }],
    });
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(400);
    expect(e.code).toBe('validation');
    expect(e.issueFor('reason')).toBe('too short');
    expect(e.issueFor('body.reason')).toBe('too short');
    expect(e.issueFor('other')).toBeUndefined();
  });
  it('copes with bodies that are not the error shape', () => {
    const e = toApiError(502, undefined, 'Bad Gateway');
    expect(e.code).toBe('http_502');
    expect(e.message).toBe('Bad Gateway');
    expect(toApiError(500, { nope: true }).code).toBe('http_500');
  });
});

describe('api requests', () => {
  afterEach(() => vi.unstubAllGlobals());

  const respond = (status: number, body?: unknown) =>
    vi.fn(async (_url: string, _init?: RequestInit) => new Response(body === undefined ? null : JSON.stringify(body), { status }));

  it('sends JSON with same-origin credentials and parses the answer', async () => {
    const fetchMock = respond(200, { by: 'name', items: [] });
    vi.stubGlobal('fetch', fetchMock);
    await expect(api.post('/api/things', { a: 1 })).resolves.toEqual({ by: 'name', items: [] });
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe('/api/things');
    expect(init?.credentials).toBe('same-origin');
    expect(init?.body).toBe('{"a":1}');
    expect((init?.headers as Record<string, string>)['Content-Type']).toBe('application/json');
  });

  it('returns undefined for 204', async () => {
    vi.stubGlobal('fetch', respond(204));
    await expect(api.post('/api/auth/logout')).resolves.toBeUndefined();
  });

  it('throws ApiError with the server code on failure', async () => {
    vi.stubGlobal('fetch', respond(423, { error: 'locked', message: 'Account locked' }));
    await expect(api.post('/api/auth/login', {})).rejects.toMatchObject({ status: 423, code: 'locked', message: 'Account locked' });
  });

  it('reports a network failure as status 0', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(api.get('/api/x')).rejects.toMatchObject({ status: 0, code: 'network' });
  });

  it('tells listeners about 401 from data calls but not from the auth calls', async () => {
    const listener = vi.fn();
    const off = onUnauthorized(listener);
    vi.stubGlobal('fetch', respond(401, { error: 'unauthorized', message: 'Authentication required' }));
    await expect(api.get('/api/auth/me')).rejects.toBeInstanceOf(ApiError);
    expect(listener).not.toHaveBeenCalled();
    await expect(api.get('/api/residents/1')).rejects.toBeInstanceOf(ApiError);
    expect(listener).toHaveBeenCalledTimes(1);
    off();
  });
});
