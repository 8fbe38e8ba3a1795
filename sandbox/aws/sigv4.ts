/**
 * Verifies AWS Signature Version 4 on an incoming request the way AWS does: rebuild the canonical request
 * from the signed headers, derive the signing key from the secret, compare signatures.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { SandboxRequest } from '../http.ts';

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/** The outcome of a check: the access key that signed, or the AWS error to reply with. */
export type SigV4Result =
  | { readonly ok: true; readonly accessKeyId: string }
  | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data).digest();

function header(request: SandboxRequest, name: string): string {
  const value = request.headers[name];
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).trim().replace(/\s+/g, ' ');
}

function canonicalQuery(url: URL): string {
  const enc = (s: string) =>
    encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return [...url.searchParams]
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .sort()
    .join('&');
}

function reject(status: number, code: string, message: string): SigV4Result {
  return { ok: false, status, code, message };
}

/** Checks a request's signature, e.g. `verifySigV4(request, (akid) => secrets.get(akid))`. */
export function verifySigV4(
  request: SandboxRequest,
  secretOf: (accessKeyId: string) => string | undefined,
): SigV4Result {
  const match = AUTH.exec(header(request, 'authorization'));
  if (!match)
    return reject(
      403,
      'IncompleteSignature',
      'Authorization header requires a valid AWS4-HMAC-SHA256 signature.',
    );
  const [, accessKeyId = '', date = '', region = '', service = '', signed = '', signature = ''] = match;
  const secret = secretOf(accessKeyId);
  if (secret === undefined)
    return reject(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
  const amzDate = header(request, 'x-amz-date');
  const names = signed.split(';');
  if (!names.includes('host') || !amzDate.startsWith(date)) {
    return reject(
      403,
      'IncompleteSignature',
      'The request must sign the host header and carry a matching X-Amz-Date.',
    );
  }
  const when = Date.parse(
    amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'),
  );
  if (!(Math.abs(Date.now() - when) < 15 * 60_000))
    return reject(403, 'SignatureDoesNotMatch', 'Signature expired.');
  const canonical = [
    request.method,
    request.url.pathname,
    canonicalQuery(request.url),
    ...names.map((name) => `${name}:${header(request, name)}`),
    '',
    signed,
    header(request, 'x-amz-content-sha256') || sha256(request.body),
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, date), region), service), 'aws4_request');
  const expected = hmac(key, toSign);
  if (!timingSafeEqual(expected, Buffer.from(signature, 'hex'))) {
    return reject(
      403,
      'SignatureDoesNotMatch',
      'The request signature we calculated does not match the signature you provided.',
    );
  }
  return { ok: true, accessKeyId };
}
