/**
 * Credentials as text for a shell or a tool: `shell` (export lines for eval), `dotenv`, `json`, and the AWS
 * `credential_process` JSON (Version 1) that the AWS SDKs and CLI call again when credentials expire.
 */
import type { Credential } from '../core/credential.ts';
import { KeylessError } from '../core/errors.ts';

/** Quotes a value for POSIX sh: single quotes, with each `'` written as `'\''`. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, "'\\''")}'`;
}

function dotenvValue(value: string): string {
  if (/^[\w@%+=:,./-]*$/.test(value)) return value;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\$/g, '\\$')}"`;
}

function credentialProcess(credential: Credential): string {
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = credential.env;
  if (credential.provider !== 'aws' || !AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY) {
    throw new KeylessError('ERR_INPUT_INVALID', '--format credential-process is for keyless aws only.', {
      remedy: 'Use --format shell, dotenv or json for other providers.',
    });
  }
  return `${JSON.stringify({
    Version: 1,
    AccessKeyId: AWS_ACCESS_KEY_ID,
    SecretAccessKey: AWS_SECRET_ACCESS_KEY,
    SessionToken: AWS_SESSION_TOKEN,
    ...(credential.expiresAt ? { Expiration: credential.expiresAt.toISOString() } : {}),
  })}\n`;
}

/** Renders a credential, e.g. `render('shell', credential)` → `export AWS_REGION='eu-west-1'\n…`. */
export function render(
  format: 'shell' | 'dotenv' | 'json' | 'credential-process',
  credential: Credential,
): string {
  const entries = Object.entries(credential.env);
  switch (format) {
    case 'shell':
      return entries.map(([name, value]) => `export ${name}=${shellQuote(value)}\n`).join('');
    case 'dotenv':
      return entries.map(([name, value]) => `${name}=${dotenvValue(value)}\n`).join('');
    case 'json':
      return `${JSON.stringify({ env: credential.env, outputs: credential.outputs, expiresAt: credential.expiresAt?.toISOString() ?? null }, null, 2)}\n`;
    case 'credential-process':
      return credentialProcess(credential);
  }
}
