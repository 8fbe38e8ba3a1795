import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Redactor, redact, redactionForms } from '../../src/sinks/exec/redact.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYzEXAMPLEKEY';
const TOKEN = 'hvs.CAESIJlU9JMYEhOPYv4KMfAKE';

/** Streams `chunks` through a Redactor and returns what came out. */
async function through(
  chunks: readonly string[],
  secrets: readonly string[] = [SECRET, TOKEN],
): Promise<string> {
  const out: Buffer[] = [];
  const redactor = new Redactor(secrets);
  redactor.on('data', (chunk: Buffer) => out.push(chunk));
  await new Promise<void>((resolve, reject) => {
    Readable.from(chunks.map((chunk) => Buffer.from(chunk, 'utf8')))
      .pipe(redactor)
      .on('end', resolve)
      .on('error', reject);
  });
  return Buffer.concat(out).toString('utf8');
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('the exec-mode redactor', () => {
  it.each([
    ['raw', `key=${SECRET}\n`],
    ['base64', `${b64(SECRET)}\n`],
    ['base64 at another alignment', `${b64(`x${SECRET}`)}\n`],
    ['base64url', `${Buffer.from(SECRET).toString('base64url')}\n`],
    ['URL-encoded', `q=${encodeURIComponent(SECRET)}\n`],
    ['JSON-escaped', `${JSON.stringify({ s: `${SECRET}\n` })}\n`],
    ['hex', `${Buffer.from(SECRET).toString('hex')}\n`],
    ['HEX', `${Buffer.from(SECRET).toString('hex').toUpperCase()}\n`],
  ])('removes the %s form', async (_name, text) => {
    const out = await through([text]);
    expect(out).toContain('***');
    for (const form of redactionForms([SECRET])) expect(out).not.toContain(form);
  });

  it('removes a secret split across writes at every possible point', async () => {
    const line = `export TOKEN=${TOKEN} done\n`;
    for (let cut = 1; cut < line.length; cut++) {
      const out = await through([line.slice(0, cut), line.slice(cut)]);
      expect(out, `cut at ${cut}`).toBe('export TOKEN=*** done\n');
    }
  });

  it('removes a secret written one byte at a time', async () => {
    expect(await through([...`a ${TOKEN} b`])).toBe('a *** b');
  });

  it('passes other output through unchanged and without holding it back', async () => {
    const redactor = new Redactor([SECRET]);
    const seen: string[] = [];
    redactor.on('data', (chunk: Buffer) => seen.push(chunk.toString()));
    redactor.write(Buffer.from('progress 10%\n'));
    redactor.write(Buffer.from('progress 20%'));
    expect(seen.join('')).toBe('progress 10%\nprogress 20%');
  });

  it('neutralises workflow commands at line starts, also across writes', async () => {
    expect(await through(['ok\n::add-mask::x\n', '  ::set-output name=a::b\n'])).toBe(
      'ok\n: :add-mask::x\n  : :set-output name=a::b\n',
    );
    expect(await through(['line\n:', ':warning::pwned\n'])).toBe('line\n: :warning::pwned\n');
    expect(await through(['::error::first'])).toBe(': :error::first');
    expect(await through(['a::b ', '::c'])).toBe('a::b ::c');
  });

  it('redacts each line of a multi-line secret on its own', () => {
    const pem = '-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END KEY-----';
    expect(redact('got MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', redactionForms([pem]))).toBe('got ***');
  });

  it('keeps non-ASCII output intact', async () => {
    expect(await through(['héllo wörld ✓\n'])).toBe('héllo wörld ✓\n');
  });
});
