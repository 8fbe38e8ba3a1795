/**
 * A deliberately careless deploy script, for testing exec-mode redaction: it prints every variable named in
 * KEYLESS_CHECK raw, split across two writes, base64-encoded, URL-encoded, in JSON and on stderr, and tries
 * to inject GitHub workflow commands. Then it exits with KEYLESS_EXIT (default 0).
 */
const names = (process.env.KEYLESS_CHECK ?? '').split(',').filter(Boolean);
const pause = () => new Promise((resolve) => setTimeout(resolve, 20));
for (const name of names) {
  const value = process.env[name] ?? '';
  process.stdout.write(`${name}=${value}\n`);
  const half = Math.floor(value.length / 2);
  process.stdout.write(`split: ${value.slice(0, half)}`);
  await pause();
  process.stdout.write(`${value.slice(half)} end\n`);
  process.stdout.write(`base64: ${Buffer.from(value).toString('base64')}\n`);
  process.stdout.write(`url: ${encodeURIComponent(value)}\n`);
  process.stdout.write(`${JSON.stringify({ [name]: value })}\n`);
  process.stderr.write(`stderr ${name}: ${value}\n`);
}
process.stdout.write('::add-mask::nothing\n::set-output name=x::y\n');
process.stdout.write('done\n');
process.exitCode = Number(process.env.KEYLESS_EXIT ?? 0);
