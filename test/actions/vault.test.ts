/**
 * The committed actions/vault bundles against the sandbox's Vault: login with the job's OIDC token, KV v1,
 * KV v2 and dynamic secrets masked and handed over, and after post the token and its leases are dead.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ActionRun, type JobRun, runAction } from '../../sandbox/runner.ts';
import { runStep } from '../../sandbox/steps.ts';
import { VAULT_AUDIENCE } from '../../sandbox/vault/seed.ts';
import {
  DEBUG_ENV,
  errors,
  expectFailedClosed as expectSharedFailedClosed,
  leaks,
  useSandbox,
} from '../support/job.ts';

const sandbox = useSandbox();
const runs: JobRun[] = [];
afterEach(() => {
  for (const run of runs.splice(0)) run.cleanup();
});

const SECRETS = [
  'secret/data/ci/app password | DB_PASSWORD',
  'secret/data/ci/app private-key',
  'kv1/ci/legacy api_key',
  'database/creds/readonly * | PG_',
].join(' ;\n');

async function job(inputs: Record<string, string> = {}, options: Partial<ActionRun> = {}): Promise<JobRun> {
  const base = { url: sandbox().vaultUrl, role: 'ci-reader', audience: VAULT_AUDIENCE, secrets: SECRETS };
  const run = await runAction(sandbox(), { action: 'vault', ...options, inputs: { ...base, ...inputs } });
  runs.push(run);
  return run;
}

const sha = (value: string) => createHash('sha256').update(value).digest('hex');
const calls = (endpoint: string) => sandbox().faults.calls(endpoint);
const store = () => sandbox().vault.store;
let earlier = new Set<string>();
beforeEach(() => {
  earlier = new Set([...store().tokens.keys(), ...store().leases.keys()]);
});
/** The tokens Vault issued during this test. */
const issuedTokens = () => [...store().tokens.keys()].filter((token) => !earlier.has(token));
/** The leases Vault opened during this test. */
const openedLeases = () => [...store().leases.keys()].filter((lease) => !earlier.has(lease));

/** What Vault says of a token now: the status of lookup-self with it. */
async function lookupSelf(token: string, namespace?: string): Promise<number> {
  const headers: Record<string, string> = {
    'x-vault-token': token,
    ...(namespace ? { 'x-vault-namespace': namespace } : {}),
  };
  return (await fetch(`${sandbox().vaultUrl}/v1/auth/token/lookup-self`, { headers })).status;
}

/** What Vault says of a lease now, asked with the root token: 200 alive, 400 `invalid lease`. */
async function leaseLookup(leaseId: string): Promise<number> {
  const response = await fetch(`${sandbox().vaultUrl}/v1/sys/leases/lookup`, {
    method: 'PUT',
    headers: { 'x-vault-token': sandbox().vault.rootToken },
    body: JSON.stringify({ lease_id: leaseId }),
  });
  return response.status;
}

function expectFailedClosed(run: JobRun): string {
  const error = expectSharedFailedClosed(run, sandbox());
  for (const token of issuedTokens())
    expect(store().live(token), 'a token outlived the failed step').toBeUndefined();
  return error;
}

describe('actions/vault', () => {
  it('hands KV v2, KV v1 and dynamic secrets to the next step, masked, and revokes token and lease at the end', async () => {
    let nextStep = '';
    let leaseDuringJob = 0;
    const run = await job(
      {},
      {
        between: async (env) => {
          nextStep = (await runStep('vault-use.ts', { ...env, KEYLESS_CHECK: 'DB_PASSWORD,PG_PASSWORD' }))
            .stdout;
          leaseDuringJob = await leaseLookup(openedLeases()[0] ?? '');
        },
      },
    );
    expect(run.main.code).toBe(0);
    const app = store().kv2.get('ci/app') ?? {};
    const legacy = store().kv1.get('ci/legacy') ?? {};
    expect(Object.keys(run.main.exported).sort()).toEqual([
      'API_KEY',
      'DB_PASSWORD',
      'PG_PASSWORD',
      'PG_USERNAME',
      'PRIVATEKEY',
      'VAULT_ADDR',
    ]);
    expect(run.main.exported.DB_PASSWORD).toBe(app.password);
    expect(run.main.exported.PRIVATEKEY).toBe(app['private-key']);
    expect(run.main.exported.API_KEY).toBe(legacy.api_key);
    expect(run.main.exported.VAULT_ADDR).toBe(sandbox().vaultUrl);
    expect(run.main.exported).not.toHaveProperty('VAULT_TOKEN');
    expect(run.main.outputs.DB_PASSWORD).toBe(app.password);
    expect(run.main.outputs).not.toHaveProperty('vault-token');

    const [token = ''] = issuedTokens();
    const [lease] = openedLeases();
    expect(run.main.masks).toContain(token);
    for (const name of ['DB_PASSWORD', 'API_KEY', 'PG_PASSWORD'])
      expect(run.main.masks).toContain(run.main.exported[name]);
    for (const line of String(app['private-key']).split('\n')) expect(run.main.masks).toContain(line);
    expect(calls('vault.login')).toBe(1);

    expect(leaseDuringJob).toBe(200);
    expect(JSON.parse(nextStep).hashes).toEqual({
      DB_PASSWORD: sha(String(app.password)),
      PG_PASSWORD: sha(run.main.exported.PG_PASSWORD ?? ''),
    });

    expect(run.post?.code).toBe(0);
    expect(run.post?.stdout).toContain('Revoked the Vault token and every lease it created.');
    expect(await lookupSelf(token)).toBe(403);
    expect(await leaseLookup(lease ?? '')).toBe(400);
    expect(readdirSync(run.dirs.temp)).toEqual([]);
    expect(run.post?.exported.DB_PASSWORD).toBe('');
    expect(leaks(run, sandbox(), { allowOutputs: true })).toEqual([]);

    const again = await run.rerunPost();
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already ended');
    expect(again.stdout).not.toMatch(/^::(warning|error)::/m);
  });

  it('leaks nothing in debug mode, outputs included', async () => {
    const run = await job({ secrets: 'secret/data/ci/app password | DB_PASSWORD' }, { env: DEBUG_ENV });
    expect(run.main.code).toBe(0);
    expect(run.main.stdout).toMatch(/^::debug::Vault login URL: /m);
    expect(leaks(run, sandbox(), { allowOutputs: true })).toEqual([]);
  });

  it('exports and outputs the token only when asked, and the next step can use it until post', async () => {
    let nextStep = '';
    const run = await job(
      { 'export-token': 'true', 'output-token': 'true', namespace: 'ci', secrets: '' },
      {
        between: async (env) => {
          nextStep = (await runStep('vault-use.ts', { ...env })).stdout;
        },
      },
    );
    expect(run.main.code).toBe(0);
    const [token = ''] = issuedTokens();
    expect(run.main.exported.VAULT_TOKEN).toBe(token);
    expect(run.main.exported.VAULT_NAMESPACE).toBe('ci');
    expect(run.main.outputs['vault-token']).toBe(token);
    expect(JSON.parse(nextStep).lookupSelf).toBe(200);
    expect(await lookupSelf(token, 'ci')).toBe(403);
    expect(run.post?.exported.VAULT_TOKEN).toBe('');
  });

  it('logs in at a custom mount path', async () => {
    const run = await job({ path: 'jwt/github', secrets: 'kv1/ci/legacy api_key | LEGACY' });
    expect(run.main.code).toBe(0);
    expect(run.main.exported.LEGACY).toBe(store().kv1.get('ci/legacy')?.api_key);
  });

  it('warns at the end that a batch token cannot be revoked, naming its remaining TTL', async () => {
    const run = await job({ role: 'ci-batch', secrets: 'kv1/ci/legacy api_key' });
    expect(run.main.code).toBe(0);
    expect(run.main.stdout).toContain('a batch token, which Vault cannot revoke');
    expect(run.post?.code).toBe(0);
    expect(run.post?.stdout).toMatch(
      /^::warning::The Vault batch token cannot be revoked; it stays valid for (59\d|600) s more/m,
    );
  });

  it('rejects an unknown role after one login, with Vault own message, the claims and the role to create', async () => {
    const error = expectFailedClosed(await job({ role: 'deployer' }));
    expect(calls('vault.login')).toBe(1);
    expect(error).toContain('Vault error: role "deployer" could not be found');
    expect(error).toContain('token sub: "repo:keyless-dev/demo:ref:refs/heads/main"');
    expect(error).toContain(`token aud: "${VAULT_AUDIENCE}"`);
    expect(error).toContain(`login URL: ${sandbox().vaultUrl}/v1/auth/jwt/login`);
    expect(error).toContain(
      `Fix: Create the role: vault write auth/jwt/role/deployer role_type=jwt user_claim=sub bound_audiences="${VAULT_AUDIENCE}"`,
    );
    expect(error).toContain(`bound_claims='{"sub":"repo:keyless-dev/demo:ref:refs/heads/main"}'`);
  });

  it.each([
    [
      'a wrong audience',
      { audience: 'https://github.com/keyless-dev' },
      'invalid audience (aud) claim',
      "to the role's bound_audiences",
    ],
    [
      'a subject the role does not bind',
      { role: 'ci-locked' },
      'claim "sub" does not match any associated bound claim values',
      "bound_claims match this job's claims",
    ],
  ])('rejects %s after one login', async (_name, inputs, vaultMessage, remedy) => {
    const error = expectFailedClosed(await job(inputs));
    expect(calls('vault.login')).toBe(1);
    expect(error).toContain(vaultMessage);
    expect(error).toContain(remedy);
  });

  it('retries a sealed Vault: two 503s then success is three logins', async () => {
    sandbox().faults.inject('vault.login', { status: 503, message: 'Vault is sealed' }, 2);
    const run = await job();
    expect(run.main.code).toBe(0);
    expect(calls('vault.login')).toBe(3);
  });

  it('retries reads that hit a lagging standby (412) or a rate limit (429)', async () => {
    sandbox().faults.inject('vault.read', { status: 412, message: 'required index state not present' }, 1);
    sandbox().faults.inject(
      'vault.read',
      { status: 429, message: 'request path "kv1/ci/legacy": rate limit quota exceeded' },
      1,
    );
    const run = await job({ secrets: 'kv1/ci/legacy api_key' });
    expect(run.main.code).toBe(0);
    expect(calls('vault.read')).toBe(3);
  });

  it('warns, and never fails the job, when revocation keeps failing at the end', async () => {
    sandbox().faults.inject('vault.revoke', { status: 500, message: 'internal error' }, 5);
    const run = await job({ secrets: 'kv1/ci/legacy api_key' });
    expect(run.main.code).toBe(0);
    expect(run.post?.code).toBe(0);
    expect(run.post?.stdout).toMatch(/^::warning::Could not revoke the vault credential/m);
    expect(calls('vault.revoke')).toBe(3);
    expect(readdirSync(run.dirs.temp)).toEqual([]);
    expect(leaks(run, sandbox(), { allowOutputs: true })).toEqual([]);
  });

  it('does not retry a 403 login', async () => {
    sandbox().faults.inject('vault.login', { status: 403, message: 'permission denied' }, 1);
    expectFailedClosed(await job());
    expect(calls('vault.login')).toBe(1);
  });

  it('revokes the new token when a read fails, so the failed step leaves nothing alive', async () => {
    const denied = expectFailedClosed(await job({ secrets: 'secret/data/admin/root password' }));
    expect(denied).toContain('Vault refused to read secret/data/admin/root');
    expect(denied).toContain('path "secret/data/admin/root" { capabilities = ["read"] }');
    const missing = expectFailedClosed(await job({ secrets: 'secret/data/ci/app pasword' }));
    expect(missing).toContain('has no key "pasword"');
    expect(missing).toContain('keys present: username, password, api.key, private-key, config');
    const kv2WithoutData = expectFailedClosed(await job({ secrets: 'secret/ci/app password' }));
    expect(kv2WithoutData).toContain(
      'If it is a KV v2 secret, its API path includes data/: secret/data/ci/app.',
    );
  });
});

describe('actions/vault over TLS', () => {
  it('trusts a private CA given as ca-certificate (PEM or base64), and nothing else', async () => {
    const pem = readFileSync(sandbox().caFile, 'utf8');
    for (const ca of [pem, Buffer.from(pem).toString('base64')]) {
      const run = await job({
        url: sandbox().vaultTlsUrl,
        'ca-certificate': ca,
        secrets: 'kv1/ci/legacy api_key',
      });
      expect(run.main.code).toBe(0);
      expect(run.post?.stdout).toContain('Revoked the Vault token');
    }
  });

  it('refuses an untrusted certificate at once, with what to trust', async () => {
    const run = await job({ url: sandbox().vaultTlsUrl });
    const error = expectFailedClosed(run);
    expect(error).toMatch(
      /The TLS certificate of 127\.0\.0\.1:\d+ could not be verified \(\w+\)\. \[ERR_INSECURE_URL\]/,
    );
    expect(error).toContain('ca-certificate');
    expect(run.main.stdout).not.toContain('retrying');
  });
});

describe('actions/vault input validation', () => {
  it.each([
    [
      'plain http to a remote Vault',
      { url: 'http://vault.example.com:8200' },
      'url uses plain http:// to a host that is not loopback',
    ],
    ['no url', { url: '' }, 'Input url is required (or VAULT_ADDR)'],
    ['no audience', { audience: '' }, 'Input audience is required'],
    ['another auth method', { method: 'approle' }, "keyless logs in with the job's OIDC token only"],
    ['a malformed mount path', { path: '/jwt/' }, 'Input path must be an auth mount path'],
    ['a secret without a key', { secrets: 'secret/data/ci/app' }, 'which is not of the form PATH KEY | NAME'],
    ['a path that climbs', { secrets: 'secret/data/../sys/raw key' }, 'which is not a Vault API path'],
    [
      'a name that is not a variable',
      { secrets: 'kv1/ci/legacy api_key | 1BAD' },
      'which is not a variable name',
    ],
    ['a name that steers the shell', { secrets: 'kv1/ci/legacy api_key | PATH' }, 'which is not allowed'],
    [
      'a CA that is not a certificate',
      { 'ca-certificate': 'bm90IGEgY2VydA==' },
      'is neither a PEM certificate',
    ],
  ])('rejects %s before requesting a token', async (_name, inputs, message) => {
    const run = await job(inputs);
    expect(run.main.code).toBe(1);
    const reported = errors(run.main.stdout);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toContain(message);
    expect(reported[0]).toMatch(/\nFix: \S/);
    expect([calls('oidc.token'), calls('vault.login')]).toEqual([0, 0]);
    expect(run.main.exported).toEqual({});
  });

  it('rejects two secrets exported under one name, and revokes the token', async () => {
    const error = expectFailedClosed(
      await job({ secrets: 'kv1/ci/legacy api_key | X; secret/data/ci/app password | X' }),
    );
    expect(error).toContain('exports two secrets as X');
  });
});
