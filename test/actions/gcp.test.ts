/**
 * The committed actions/gcp bundles against the sandbox's STS and IAM Credentials: the federation (and the
 * impersonation binding) is proved before anything is exported, google-auth-library uses only the exported
 * credentials file to reach the storage stand-in, and after post the file is gone.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import {
  GCP_LOCKED_PROVIDER,
  GCP_OTHER_ACCOUNT,
  GCP_PROVIDER,
  GCP_SERVICE_ACCOUNT,
} from '../../sandbox/gcp/seed.ts';
import { type ActionRun, type JobRun, runAction } from '../../sandbox/runner.ts';
import { runStep } from '../../sandbox/steps.ts';
import { DEBUG_ENV, errors, expectFailedClosed, leaks, useSandbox } from '../support/job.ts';

const sandbox = useSandbox();
const runs: JobRun[] = [];
afterEach(() => {
  for (const run of runs.splice(0)) run.cleanup();
});

async function job(inputs: Record<string, string> = {}, options: Partial<ActionRun> = {}): Promise<JobRun> {
  const base = { 'workload-identity-provider': GCP_PROVIDER, 'service-account': GCP_SERVICE_ACCOUNT };
  const run = await runAction(sandbox(), {
    action: 'gcp',
    ...options,
    env: { ...sandbox().gcpEndpoints, ...options.env },
    inputs: { ...base, ...inputs },
  });
  runs.push(run);
  return run;
}

const useCredentials = async (env: Readonly<Record<string, string>>) =>
  JSON.parse(
    (await runStep('gcp-use.ts', { ...env, KEYLESS_GCS: `${sandbox().origin}/gcp/storage/v1` })).stdout,
  ) as { status: number };
const calls = (endpoint: 'gcp.sts' | 'gcp.iam') => sandbox().faults.calls(endpoint);

describe('actions/gcp', () => {
  it('writes a 0600 credentials file outside the workspace that google-auth-library uses, and deletes it at the end', async () => {
    let used = { status: 0 };
    let file = '';
    let mode = 0;
    const run = await job(
      {},
      {
        between: async (env) => {
          used = await useCredentials(env);
          file = readFileSync(env.GOOGLE_APPLICATION_CREDENTIALS ?? '', 'utf8');
          mode = statSync(env.GOOGLE_APPLICATION_CREDENTIALS ?? '').mode & 0o777;
        },
      },
    );
    expect(run.main.code).toBe(0);
    const path = run.main.exported.GOOGLE_APPLICATION_CREDENTIALS ?? '';
    expect(run.main.exported).toEqual({
      GOOGLE_APPLICATION_CREDENTIALS: path,
      CLOUDSDK_AUTH_CREDENTIAL_FILE_OVERRIDE: path,
      GOOGLE_GHA_CREDS_PATH: path,
      GOOGLE_CLOUD_PROJECT: 'keyless-sandbox',
      CLOUDSDK_CORE_PROJECT: 'keyless-sandbox',
      CLOUDSDK_PROJECT: 'keyless-sandbox',
      GCLOUD_PROJECT: 'keyless-sandbox',
      GCP_PROJECT: 'keyless-sandbox',
    });
    expect(path.startsWith(`${run.dirs.temp}/`)).toBe(true);
    expect(mode).toBe(0o600);
    expect(JSON.parse(file)).toMatchObject({
      type: 'external_account',
      audience: `//iam.googleapis.com/${GCP_PROVIDER}`,
      token_url: `${sandbox().origin}/gcp/sts/v1/token`,
      credential_source: {
        url: expect.stringContaining('audience=https%3A%2F%2Fiam.googleapis.com%2Fprojects'),
        format: { type: 'json', subject_token_field_name: 'value' },
      },
      service_account_impersonation_url: `${sandbox().origin}/gcp/iamcredentials/v1/projects/-/serviceAccounts/${GCP_SERVICE_ACCOUNT}:generateAccessToken`,
    });
    expect(run.main.outputs).toEqual({ 'project-id': 'keyless-sandbox', 'credentials-file-path': path });
    expect(used.status).toBe(200);
    expect(run.post?.code).toBe(0);
    expect(() => statSync(path)).toThrow();
    expect(readdirSync(run.dirs.temp)).toEqual([]);
    expect(readdirSync(run.dirs.workspace)).toEqual([]);
    expect(leaks(run, sandbox())).toEqual([]);
  });

  it('outputs a masked access token for a service account, and a direct-federation token without one', async () => {
    const impersonated = await job({ 'token-format': 'access_token', 'access-token-lifetime': '1800s' });
    expect(impersonated.main.code).toBe(0);
    const token = impersonated.main.outputs['access-token'] ?? '';
    expect(token).toMatch(/^ya29\.c\./);
    expect(impersonated.main.masks).toContain(token);
    expect(sandbox().gcp.live(token)).toBe(true);
    let used = { status: 0 };
    const direct = await job(
      { 'service-account': '', 'token-format': 'access_token', 'project-id': 'keyless-direct' },
      {
        between: async (env) => {
          used = await useCredentials(env);
        },
      },
    );
    expect(direct.main.code).toBe(0);
    expect(direct.main.outputs['access-token']).toMatch(/^ya29\.d\./);
    expect(direct.main.exported.GOOGLE_CLOUD_PROJECT).toBe('keyless-direct');
    expect(used.status).toBe(200);
    expect(leaks(direct, sandbox(), { allowOutputs: true })).toEqual([]);
  });

  it('outputs a masked ID token for the requested audience', async () => {
    const run = await job({
      'token-format': 'id_token',
      'id-token-audience': 'https://api.keyless.test',
      'id-token-include-email': 'true',
    });
    expect(run.main.code).toBe(0);
    const token = run.main.outputs['id-token'] ?? '';
    expect(decodeJwt(token)).toMatchObject({ aud: 'https://api.keyless.test', email: GCP_SERVICE_ACCOUNT });
    expect(run.main.masks).toContain(token);
  });

  it('leaks nothing in debug mode', async () => {
    const run = await job({ 'token-format': 'access_token' }, { env: DEBUG_ENV });
    expect(run.main.code).toBe(0);
    expect(run.main.stdout).toMatch(/^::debug::OIDC token claims: /m);
    expect(leaks(run, sandbox(), { allowOutputs: true })).toEqual([]);
  });

  it('shows the claims and the attribute condition to write when the provider rejects the job, after one call', async () => {
    const error = expectFailedClosed(
      await job({ 'workload-identity-provider': GCP_LOCKED_PROVIDER }),
      sandbox(),
    );
    expect(calls('gcp.sts')).toBe(1);
    expect(error).toContain(
      'Google error: unauthorized_client: The given credential is rejected by the attribute condition.',
    );
    expect(error).toContain('token repository_id: "880000001"');
    expect(error).toContain('assertion.repository_id == "880000001" && assertion.ref == "refs/heads/main"');
  });

  it('shows the binding to grant when the service account may not be impersonated, after one call', async () => {
    const error = expectFailedClosed(await job({ 'service-account': GCP_OTHER_ACCOUNT }), sandbox());
    expect(calls('gcp.iam')).toBe(1);
    expect(error).toContain("PERMISSION_DENIED: Permission 'iam.serviceAccounts.getAccessToken' denied");
    expect(error).toContain(
      `--role=roles/iam.workloadIdentityUser --member="principal://iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/github/subject/repo:keyless-dev/demo:ref:refs/heads/main"`,
    );
  });

  it.each([
    [
      'a wrong audience',
      { audience: 'https://example.com' },
      'invalid_grant: The audience in ID Token [https://example.com] does not match the expected audience.',
    ],
    [
      'a provider that does not exist',
      { 'workload-identity-provider': GCP_PROVIDER.replace('keyless-demo', 'missing-one') },
      'invalid_target',
    ],
    [
      'a lifetime over one hour',
      { 'access-token-lifetime': '7200s' },
      'can not have lifetimes of more than 1 hour',
    ],
  ])('rejects %s without retrying', async (_name, inputs, message) => {
    const error = expectFailedClosed(await job(inputs), sandbox());
    expect(error).toContain(message);
    expect(calls('gcp.sts') + calls('gcp.iam')).toBeLessThanOrEqual(2);
  });

  it('retries 5xx on the exchange (three calls) and on IAM Credentials', async () => {
    sandbox().faults.inject('gcp.sts', { status: 503 }, 2);
    sandbox().faults.inject('gcp.iam', { status: 500, code: 'INTERNAL' }, 1);
    const run = await job();
    expect(run.main.code).toBe(0);
    expect([calls('gcp.sts'), calls('gcp.iam')]).toEqual([3, 2]);
  });
});

describe('actions/gcp input validation', () => {
  it.each([
    [
      'a pool instead of a provider',
      { 'workload-identity-provider': 'projects/123456789012/locations/global/workloadIdentityPools/github' },
      {},
      'must be the full provider name, not the pool',
    ],
    [
      'a service account that is not an email',
      { 'service-account': 'deployer' },
      {},
      'Input service-account must be a service account email',
    ],
    [
      'an ID token without an audience',
      { 'token-format': 'id_token' },
      {},
      'is id_token without service-account and id-token-audience',
    ],
    ['a lifetime in hours', { 'access-token-lifetime': '1h' }, {}, 'Input access-token-lifetime is "1h"'],
    [
      'a scope that is not a URL',
      { 'access-token-scopes': 'cloud-platform' },
      {},
      'Input access-token-scopes must list OAuth scope URLs',
    ],
    [
      'plain http to a remote STS',
      {},
      { GHA_ENDPOINT_OVERRIDE_sts: 'http://sts.example.com/v1' },
      'GHA_ENDPOINT_OVERRIDE_sts uses plain http://',
    ],
  ])('rejects %s before requesting a token', async (_name, inputs, env, message) => {
    const run = await job(inputs, { env });
    expect(run.main.code).toBe(1);
    expect(errors(run.main.stdout)[0]).toContain(message);
    expect([sandbox().faults.calls('oidc.token'), calls('gcp.sts')]).toEqual([0, 0]);
    expect(run.main.exported).toEqual({});
  });
});
