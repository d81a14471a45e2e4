import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig, parseTrustProxy } from './config.js';

const keys = {
  KANGLIAN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  KANGLIAN_BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
};
const PG = 'postgres://postgres@127.0.0.1:5432/x';

describe('TRUST_PROXY', () => {
  it('trusts nobody when unset or empty', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('  ')).toBe(false);
    expect(loadConfig({ ...keys }).trustProxy).toBe(false);
  });

  it('takes addresses, CIDR ranges and proxy-addr names', () => {
    expect(parseTrustProxy('10.0.0.1, 192.168.0.0/16,::1,fd00::/8,loopback')).toEqual([
      '10.0.0.1',
      '192.168.0.0/16',
      '::1',
      'fd00::/8',
      'loopback',
    ]);
    expect(loadConfig({ ...keys, TRUST_PROXY: '127.0.0.1' }).trustProxy).toEqual(['127.0.0.1']);
  });

  it('refuses "trust everyone", hop counts and malformed entries, naming the variable', () => {
    for (const bad of ['true', '*', '1', '10.0.0.0/33', '10.0.0', 'proxy.example.org', '::1/129', '10.0.0.1/8/8']) {
      expect(typeof parseTrustProxy(bad), bad).toBe('string');
      expect(() => loadConfig({ ...keys, TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY/);
    }
  });
});

describe('KANGLIAN_SEED', () => {
  it('seeds the demo on the embedded database by default, never on PostgreSQL unless asked', () => {
    expect(loadConfig({ ...keys }).seed).toBe('demo');
    expect(loadConfig({ ...keys, DATABASE_URL: PG }).seed).toBe('none');
    expect(loadConfig({ ...keys, DATABASE_URL: PG, KANGLIAN_SEED: 'demo' }).seed).toBe('demo');
    expect(loadConfig({ ...keys, KANGLIAN_SEED: 'none' }).seed).toBe('none');
  });
});
