/**
 * The committed actions/azure bundles against the sandbox's Entra ID (over TLS): the federation is proved
 * before anything is exported, @azure/identity's WorkloadIdentityCredential uses only what was exported to
 * call the management stand-in, and after post nothing is left.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  AZURE_BARE_CLIENT,
  AZURE_CLIENT,
  AZURE_LOCKED_CLIENT,
  AZURE_SUBSCRIPTION,
  AZURE_TENANT,
} from '../../sandbox/azure/seed.ts';
import { type ActionRun, type JobRun, runAction } from '../../sandbox/runner.ts';
import { runStep } from '../../sandbox/steps.ts';
import { DEBUG_ENV, errors, expectFailedClosed, leaks, useSandbox } from '../support/job.ts';

const sandbox = useSandbox();
const runs: JobRun[] = [];
afterEach(() => {
  for (const run of runs.splice(0)) run.cleanup();
});

/** The job's variables that point the action and the SDKs at the sandbox. */
const sandboxEnv = () => ({
  AZURE_AUTHORITY_HOST: sandbox().authorityHost,
  NODE_EXTRA_CA_CERTS: sandbox().caFile,
});

async function job(inputs: Record<string, string> = {}, options: Partial<ActionRun> = {}): Promise<JobRun> {
  const base = {
    'client-id': AZURE_CLIENT,
    'tenant-id': AZURE_TENANT,
    'subscription-id': AZURE_SUBSCRIPTION,
  };
  const run = await runAction(sandbox(), {
    action: 'azure',
    ...options,
    env: { ...sandboxEnv(), ...options.env },
    inputs: { ...base, ...inputs },
  });
  runs.push(run);
  return run;
}

const calls = () => sandbox().faults.calls('entra.token');

describe('actions/azure', () => {
  it('proves the federation, exports what the SDKs and Terraform read, and the real SDK uses it', async () => {
    let step = '';
    const run = await job(
      {},
      {
        between: async (env) => {
          step = (await runStep('azure-use.ts', { ...env, KEYLESS_ARM: sandbox().armEndpoint })).stdout;
        },
      },
    );
    expect(run.main.code).toBe(0);
    const file = run.main.exported.AZURE_FEDERATED_TOKEN_FILE ?? '';
    expect(run.main.exported).toEqual({
      AZURE_CLIENT_ID: AZURE_CLIENT,
      AZURE_TENANT_ID: AZURE_TENANT,
      AZURE_SUBSCRIPTION_ID: AZURE_SUBSCRIPTION,
      AZURE_FEDERATED_TOKEN_FILE: file,
      ARM_CLIENT_ID: AZURE_CLIENT,
      ARM_TENANT_ID: AZURE_TENANT,
      ARM_SUBSCRIPTION_ID: AZURE_SUBSCRIPTION,
      ARM_USE_OIDC: 'true',
      ARM_OIDC_TOKEN_FILE_PATH: file,
    });
    expect(file.startsWith(`${run.dirs.temp}/`)).toBe(true);
    expect(run.main.masks).toContain(AZURE_CLIENT);
    expect(run.main.outputs).toEqual({});
    expect(calls()).toBe(2);
    expect(JSON.parse(step)).toEqual({
      status: 200,
      body: expect.objectContaining({ subscriptionId: AZURE_SUBSCRIPTION, tenantId: AZURE_TENANT }),
    });
    expect(run.post?.code).toBe(0);
    expect(() => statSync(file)).toThrow();
    expect(readdirSync(run.dirs.temp)).toEqual([]);
    expect(run.post?.exported.AZURE_FEDERATED_TOKEN_FILE).toBe('');
    expect(leaks(run, sandbox())).toEqual([]);
  });

  it('writes the token file 0600 outside the workspace, and leaks nothing in debug mode', async () => {
    let mode = 0;
    let content = '';
    const run = await job(
      { 'output-credentials': 'true' },
      {
        env: DEBUG_ENV,
        between: async (env) => {
          mode = statSync(env.AZURE_FEDERATED_TOKEN_FILE ?? '').mode & 0o777;
          content = readFileSync(env.AZURE_FEDERATED_TOKEN_FILE ?? '', 'utf8');
        },
      },
    );
    expect(run.main.code).toBe(0);
    expect(mode).toBe(0o600);
    expect(content.split('.')).toHaveLength(3);
    expect(readdirSync(run.dirs.workspace)).toEqual([]);
    expect(run.main.masks).toContain(run.main.outputs['access-token']);
    expect(Date.parse(run.main.outputs['expires-on'] ?? '')).toBeGreaterThan(Date.now());
    expect(leaks(run, sandbox(), { allowOutputs: true })).toEqual([]);
  });

  it('shows the claims and the exact federated credential to create when the subject does not match, after one call', async () => {
    const error = expectFailedClosed(await job({ 'client-id': AZURE_LOCKED_CLIENT }), sandbox());
    expect(calls()).toBe(1);
    expect(error).toContain('[ERR_TRUST_REJECTED]');
    expect(error).toContain(
      "AADSTS700213: No matching federated identity record found for presented assertion subject 'repo:keyless-dev/demo:ref:refs/heads/main'",
    );
    expect(error).toContain('token sub: "repo:keyless-dev/demo:ref:refs/heads/main"');
    expect(error).toContain(
      `az ad app federated-credential create --id ${AZURE_LOCKED_CLIENT} --parameters '{"name":"keyless","issuer":"${sandbox().oidc.issuer}","subject":"repo:keyless-dev/demo:ref:refs/heads/main","audiences":["api://AzureADTokenExchange"]}'`,
    );
  });

  it.each([
    ['a wrong audience', { audience: 'api://other' }, 'AADSTS700212', 'ERR_TRUST_REJECTED'],
    [
      'an app without federated credentials',
      { 'client-id': AZURE_BARE_CLIENT },
      'AADSTS70025',
      'ERR_TRUST_REJECTED',
    ],
    [
      'an app unknown to the tenant',
      { 'client-id': '11111111-2222-4333-8444-555555555555' },
      'AADSTS700016',
      'ERR_REQUEST_REJECTED',
    ],
    [
      'an unknown tenant',
      { 'tenant-id': '11111111-2222-4333-8444-555555555555' },
      'does not know this tenant',
      'ERR_REQUEST_REJECTED',
    ],
  ])('rejects %s without retrying', async (_name, inputs, message, code) => {
    const error = expectFailedClosed(await job(inputs), sandbox());
    expect(error).toContain(message);
    expect(error).toContain(`[${code}]`);
    expect(calls()).toBeLessThanOrEqual(1);
  });

  it('retries 5xx (two failures then success is three calls) and a federated credential still propagating (AADSTS70021)', async () => {
    sandbox().faults.inject('entra.token', { status: 503 }, 2);
    expect((await job()).main.code).toBe(0);
    expect(calls()).toBe(3);
    sandbox().faults.reset();
    sandbox().faults.inject(
      'entra.token',
      {
        status: 400,
        code: '70021',
        message: 'No matching federated identity record found for presented assertion.',
      },
      1,
    );
    expect((await job()).main.code).toBe(0);
    expect(calls()).toBe(2);
  });

  it('asks for one fresh OIDC token when Entra finds the assertion expired', async () => {
    sandbox().faults.inject(
      'entra.token',
      { status: 401, code: '700024', message: 'Client assertion is not within its valid time range.' },
      1,
    );
    const run = await job();
    expect(run.main.code).toBe(0);
    expect([sandbox().faults.calls('oidc.token'), calls()]).toEqual([2, 2]);
  });
});

describe('actions/azure input validation', () => {
  it.each([
    ['a client id that is not a GUID', { 'client-id': 'my-app' }, {}, 'Input client-id must be a GUID'],
    ['no tenant', { 'tenant-id': '' }, {}, 'Input tenant-id is required'],
    [
      'no subscription',
      { 'subscription-id': '' },
      {},
      'Input subscription-id is required unless allow-no-subscriptions is true',
    ],
    ['an unknown cloud', { environment: 'azurestack' }, {}, 'Input environment is "azurestack"'],
    [
      'an http authority',
      {},
      { AZURE_AUTHORITY_HOST: 'http://127.0.0.1:1' },
      'AZURE_AUTHORITY_HOST must be a plain https:// URL',
    ],
  ])('rejects %s before requesting a token', async (_name, inputs, env, message) => {
    const run = await job(inputs, { env });
    expect(run.main.code).toBe(1);
    expect(errors(run.main.stdout)[0]).toContain(message);
    expect([sandbox().faults.calls('oidc.token'), calls()]).toEqual([0, 0]);
    expect(run.main.exported).toEqual({});
  });

  it('accepts a tenant-level login without a subscription when allowed', async () => {
    const run = await job({ 'subscription-id': '', 'allow-no-subscriptions': 'true' });
    expect(run.main.code).toBe(0);
    expect(run.main.exported).not.toHaveProperty('AZURE_SUBSCRIPTION_ID');
  });
});
