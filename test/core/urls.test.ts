import { describe, expect, it } from 'vitest';
import { secureUrl } from '../../src/core/urls.ts';

describe('secureUrl (the single HTTPS rule)', () => {
  it.each([
    'https://sts.amazonaws.com',
    'https://10.0.0.1:8200/v1',
    'http://127.0.0.1:8080/aws',
    'http://localhost:9/',
    'http://[::1]:9/',
    'http://127.9.9.9/',
  ])('accepts %s', (url) => expect(secureUrl(url, 'x').href).toBe(new URL(url).href));

  it.each([
    ['http://sts.example.com', 'ERR_INSECURE_URL'],
    ['http://10.0.0.1/', 'ERR_INSECURE_URL'],
    ['http://localhost.example.com/', 'ERR_INSECURE_URL'],
    ['http://127.0.0.1.nip.io/', 'ERR_INSECURE_URL'],
    ['ftp://example.com', 'ERR_INPUT_INVALID'],
    ['example.com', 'ERR_INPUT_INVALID'],
    ['https://user:pass@example.com', 'ERR_INPUT_INVALID'],
  ])('refuses %s with %s', (url, code) => {
    expect(() => secureUrl(url, 'sts-endpoint')).toThrow(expect.objectContaining({ code }));
    expect(() => secureUrl(url, 'sts-endpoint')).toThrow(/sts-endpoint/);
  });
});
