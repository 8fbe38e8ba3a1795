/**
 * The leak scanner every test runs: looks for each issued secret in raw, base64 (all three byte
 * alignments, standard and URL-safe), URL-encoded, JSON-escaped and hex form, and names the leak by a
 * fingerprint, never by the secret.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const tail = bytes.subarray(shift);
    const whole = Math.floor(tail.length / 3) * 3;
    const inner = tail.subarray(0, whole);
    if (inner.length >= 6) forms.push(inner.toString('base64'), inner.toString('base64url'));
  }
  return forms;
}

/** Every form of a secret that the scan looks for. */
export function encodings(secret: string): string[] {
  const hex = Buffer.from(secret, 'utf8').toString('hex');
  const forms = [
    secret,
    ...base64Forms(secret),
    encodeURIComponent(secret),
    JSON.stringify(secret).slice(1, -1),
    hex,
    hex.toUpperCase(),
  ];
  return [...new Set(forms)].filter((form) => form.length >= 8);
}

/** Every regular file below `dir`, with its text. */
export function filesBelow(dir: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const stat = statSync(path);
    if (stat.isDirectory()) Object.assign(found, filesBelow(path));
    else if (stat.isFile()) found[path] = readFileSync(path, 'latin1');
  }
  return found;
}

/** The leaks found in `sources` (name → text), one line each, e.g. `stdout: base64 form of secret sha256:…`. */
export function findLeaks(sources: Readonly<Record<string, string>>, secrets: readonly string[]): string[] {
  const leaks: string[] = [];
  for (const secret of secrets) {
    const id = `sha256:${createHash('sha256').update(secret).digest('hex').slice(0, 12)}`;
    for (const form of encodings(secret)) {
      for (const [name, text] of Object.entries(sources)) {
        if (text.includes(form))
          leaks.push(`${name}: a form of secret ${id} (${form === secret ? 'raw' : 'encoded'})`);
      }
    }
  }
  return [...new Set(leaks)];
}
