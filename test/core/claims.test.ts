import { describe, expect, it } from 'vitest';
import { claimFacts, decodeClaims, fingerprint } from '../../src/core/claims.ts';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (payload: unknown, header: unknown = { alg: 'RS256' }) => `${b64(header)}.${b64(payload)}.c2ln`;
const CLAIMS = {
  iss: 'https://token.actions.githubusercontent.com',
  sub: 'repo:o/r:ref:refs/heads/main',
  aud: 'sts.amazonaws.com',
  exp: 2000000000,
};

describe('decodeClaims', () => {
  it('reads iss, sub, aud (always a list) and exp', () => {
    expect(decodeClaims(jwt(CLAIMS))).toMatchObject({ ...CLAIMS, aud: ['sts.amazonaws.com'] });
    expect(decodeClaims(jwt({ ...CLAIMS, aud: ['a', 'b'] })).aud).toEqual(['a', 'b']);
  });

  it.each([
    ['two parts', 'abc.def', 'has 2 dot-separated part(s)'],
    ['an opaque string', 'ghs_0123456789', 'has 1 dot-separated part(s)'],
    ['characters outside base64url', 'a.b+c.d', 'has 3 dot-separated part(s)'],
    ['an unsigned token', jwt(CLAIMS, { alg: 'none' }), 'unsigned'],
    [
      'a payload that is not JSON',
      `${b64({ alg: 'RS256' })}.bm90IGpzb24.c2ln`,
      'payload is not base64url-encoded JSON',
    ],
    ['no sub', jwt({ ...CLAIMS, sub: undefined }), 'no "iss" or "sub"'],
    ['no exp', jwt({ ...CLAIMS, exp: undefined }), 'no "exp"'],
  ])('rejects %s with ERR_OIDC_TOKEN_INVALID', (_name, token, why) => {
    expect(() => decodeClaims(token)).toThrow(why);
    expect(() => decodeClaims(token)).toThrow(expect.objectContaining({ code: 'ERR_OIDC_TOKEN_INVALID' }));
  });

  it('never puts the token in its error', () => {
    const token = 'secret-part.another-secret-part';
    expect(() => decodeClaims(token)).toThrow(
      expect.not.objectContaining({ message: expect.stringContaining('secret') }),
    );
  });
});

describe('claimFacts', () => {
  it('quotes every value as JSON, so a claim cannot start a log line or a workflow command', () => {
    const facts = claimFacts(decodeClaims(jwt({ ...CLAIMS, sub: 'x\n::add-mask::y', repository: 'o/r' })));
    expect(facts['token sub']).toBe('"x\\n::add-mask::y"');
    expect(facts['token repository']).toBe('"o/r"');
    expect(facts['token aud']).toBe('"sts.amazonaws.com"');
  });
});

describe('fingerprint', () => {
  it('is a short SHA-256 that does not contain the token', () => {
    expect(fingerprint('token')).toMatch(/^sha256:[0-9a-f]{16}$/);
    expect(fingerprint('token')).toBe(fingerprint('token'));
    expect(fingerprint('token')).not.toBe(fingerprint('token2'));
  });
});
