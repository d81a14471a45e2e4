import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from './support/test-app.js';
import { createFixture, login, PASSWORD } from './support/fixture.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await createFixture(t.app);
});
afterAll(async () => t?.close());

const loginAs = (username: string, password: string) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

describe('authentication', () => {
  it('sets an HTTP-only cookie and returns a bearer token; both identify the user', async () => {
    const res = await loginAs('gp_a', PASSWORD);
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'kl_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    const viaCookie = await t.app.inject({ method: 'GET', url: '/api/auth/me', cookies: { kl_session: cookie!.value } });
    expect(viaCookie.json()).toMatchObject({ username: 'gp_a', role: 'gp', teams: [expect.objectContaining({ name: '甲一团队' })] });
    const viaBearer = await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: { authorization: `Bearer ${res.json().token}` } });
    expect(viaBearer.json().username).toBe('gp_a');
  });

  it('stores passwords as argon2id hashes', async () => {
    const row = await t.database.db.selectFrom('app_user').select('password_hash').where('username', '=', 'gp_a').executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('rejects a wrong password with 401 and locks the account after 5 failures', async () => {
    for (let i = 0; i < 4; i++) expect((await loginAs('hm_a', 'wrong-password')).statusCode).toBe(401);
    expect((await loginAs('hm_a', 'wrong-password')).statusCode).toBe(401);
    const locked = await loginAs('hm_a', PASSWORD);
    expect(locked.statusCode).toBe(423);
    expect(locked.json().error).toBe('locked');
    const failures = await t.database.db
      .selectFrom('audit_event')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('action', '=', 'login_failed')
      .executeTakeFirstOrThrow();
    expect(failures.n).toBeGreaterThanOrEqual(6);
  });

  it('an unknown user gets the same 401 as a wrong password', async () => {
    const res = await loginAs('nobody', 'whatever-123');
    expect(res.statusCode).toBe(401);
    expect(res.json().error).toBe('invalid_credentials');
  });

  it('logout ends the session', async () => {
    const s = await login(t.app, 'gp_b');
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: s })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: s })).statusCode).toBe(401);
  });

  it('password change checks the current password and the policy, and ends other sessions', async () => {
    const s1 = await login(t.app, 'spec_h');
    const s2 = await login(t.app, 'spec_h');
    const weak = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: s1, payload: { currentPassword: PASSWORD, newPassword: 'short' } });
    expect(weak.statusCode).toBe(400);
    expect(weak.json().issues[0].field).toBe('body.newPassword');
    const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: s1, payload: { currentPassword: 'nope-nope-1', newPassword: 'NewPassw0rd-2026' } });
    expect(wrong.statusCode).toBe(400);
    const ok = await t.app.inject({ method: 'POST', url: '/api/auth/password', headers: s1, payload: { currentPassword: PASSWORD, newPassword: 'NewPassw0rd-2026' } });
    expect(ok.statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: s1 })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/api/auth/me', headers: s2 })).statusCode).toBe(401);
    expect((await loginAs('spec_h', PASSWORD)).statusCode).toBe(401);
    expect((await loginAs('spec_h', 'NewPassw0rd-2026')).statusCode).toBe(200);
  });
});
