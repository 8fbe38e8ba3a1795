/**
 * Reads an OIDC token's claims for diagnostics. The token is never verified here (the cloud does that) and
 * never printed: only its claims and a SHA-256 fingerprint leave this module.
 */
import { createHash } from 'node:crypto';
import { KeylessError } from './errors.ts';

/** The claims keyless prints and matches; CI systems add their own (`repository`, `project_path`, …). */
export interface Claims {
  readonly iss: string;
  readonly sub: string;
  readonly aud: readonly string[];
  readonly exp: number;
  readonly iat?: number;
  readonly [claim: string]: unknown;
}

/** The CI claims worth showing beside iss/sub/aud when a cloud rejects a token. */
const CI_CLAIMS = [
  'repository',
  'repository_id',
  'repository_owner_id',
  'ref',
  'environment',
  'job_workflow_ref',
  'event_name',
  'runner_environment',
  'project_path',
  'namespace_path',
  'pipeline_source',
  'build_tag',
];

function decodePart(part: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw invalid(`its ${what} is not base64url-encoded JSON`);
}

function invalid(why: string): KeylessError {
  return new KeylessError('ERR_OIDC_TOKEN_INVALID', `The OIDC token is not a usable JWT: ${why}.`, {
    remedy: 'Pass the raw OIDC token your CI system minted (three base64url parts separated by dots).',
  });
}

/** Decodes a JWT's claims, e.g. `decodeClaims(token).sub`; throws ERR_OIDC_TOKEN_INVALID if it is not a JWT. */
export function decodeClaims(token: string): Claims {
  const parts = token.split('.');
  if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) {
    throw invalid(`it has ${parts.length} dot-separated part(s) where a signed JWT has three`);
  }
  const [header = '', payload = ''] = parts;
  const alg = decodePart(header, 'header').alg;
  if (typeof alg !== 'string' || alg.toLowerCase() === 'none') throw invalid('it is unsigned (alg "none")');
  const claims = decodePart(payload, 'payload');
  const { iss, sub, aud, exp } = claims;
  if (typeof iss !== 'string' || typeof sub !== 'string') throw invalid('it has no "iss" or "sub" claim');
  if (typeof exp !== 'number') throw invalid('it has no "exp" claim');
  const audiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.map(String) : [];
  return { ...claims, iss, sub, exp, aud: audiences };
}

/** A short SHA-256 fingerprint that identifies a token in logs without revealing it, e.g. `sha256:3f1a…`. */
export function fingerprint(token: string): string {
  return `sha256:${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;
}

/** Renders a claim value for a log line: JSON, so no newline or command prefix can reach the log raw. */
function show(value: unknown): string {
  return JSON.stringify(value) ?? 'undefined';
}

/** The claims a cloud matched, as printable facts (`iss`, `sub`, `aud`, then the CI claims present). */
export function claimFacts(claims: Claims): Record<string, string> {
  const facts: Record<string, string> = {
    'token iss': show(claims.iss),
    'token sub': show(claims.sub),
    'token aud': show(claims.aud.length === 1 ? claims.aud[0] : claims.aud),
  };
  for (const name of CI_CLAIMS) if (claims[name] !== undefined) facts[`token ${name}`] = show(claims[name]);
  return facts;
}

/** Seconds until the token expires (negative once expired). */
export function secondsLeft(claims: Claims, now: Date): number {
  return claims.exp - Math.floor(now.getTime() / 1000);
}
