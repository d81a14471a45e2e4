import { describe, expect, it } from 'vitest';
import { maskIdentifiers, redactUrl, serializeError } from './logging.js';

describe('redactUrl', () => {
  it('keeps the path and the parameter names, never a value', () => {
    expect(redactUrl('/api/residents?q=330106195803120173')).toBe('/api/residents?q=*');
    expect(redactUrl('/api/residents?q=%E5%BC%A0%E6%B5%8B%E8%AF%95&limit=5')).toBe('/api/residents?q=*&limit=*');
    expect(redactUrl('/api/worklist?flag')).toBe('/api/worklist?flag=*');
    expect(redactUrl('/api/residents?')).toBe('/api/residents');
    expect(redactUrl('/api/health')).toBe('/api/health');
  });
});

describe('maskIdentifiers', () => {
  it('masks national IDs and mobile numbers, not ids, times or other numbers', () => {
    const line =
      '{"msg":"Route GET:/x?q=33010619580312017X&p=13800138000 not found","time":1796224979394,"reqId":"req-13","id":"2f1c0d3e-5b7a-4c1d-9e2f-138001380001"}';
    const masked = maskIdentifiers(line);
    expect(masked).toContain('q=[national-id]&p=[phone] not found');
    expect(masked).toContain('"time":1796224979394');
    expect(masked).toContain('138001380001"');
  });
});

describe('serializeError', () => {
  it('keeps type, message, code and constraint; drops driver detail and parameters', () => {
    const err = Object.assign(new Error('duplicate key value violates unique constraint "resident_nid_uq"'), {
      code: '23505',
      constraint: 'resident_nid_uq',
      detail: 'Key (name)=(张测试) already exists.',
      parameters: ['张测试', '13800001111'],
      body: { name: '张测试' },
    });
    const out = serializeError(err);
    expect(out).toMatchObject({ type: 'Error', code: '23505', constraint: 'resident_nid_uq' });
    expect(JSON.stringify(out)).not.toContain('张测试');
    expect(JSON.stringify(out)).not.toContain('13800001111');
  });

  it('follows a cause', () => {
    const out = serializeError(new Error('outer', { cause: Object.assign(new Error('inner'), { detail: 'secret' }) }));
    expect(out.cause).toMatchObject({ type: 'Error', message: 'inner' });
    expect(JSON.stringify(out)).not.toContain('secret');
  });
});
