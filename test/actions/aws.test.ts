/**
 * The committed actions/aws bundles, run as a runner runs them against the sandbox; the official AWS SDK
 * then uses what was exported. Every test scans everything the job printed or wrote for issued secrets.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type ActionRun, type JobRun, runAction, runnerLog } from '../../sandbox/runner.ts';
import { DEMO_ROLE, LOCKED_ROLE, PARTNER_ROLE } from '../../sandbox/server.ts';
import { runStep } from '../../sandbox/steps.ts';
import { DEBUG_ENV, expectFailedClosed, leaks, useSandbox } from '../support/job.ts';

const sandbox = useSandbox();
const runs: JobRun[] = [];
afterEach(() => {
  for (const run of runs.splice(0)) run.cleanup();
});

async function job(inputs: Record<string, string> = {}, options: Partial<ActionRun> = {}): Promise<JobRun> {
  const base = {
    'role-to-assume': DEMO_ROLE,
    'aws-region': 'eu-west-1',
    'sts-endpoint': sandbox().stsEndpoint,
  };
  const run = await runAction(sandbox(), { action: 'aws', ...options, inputs: { ...base, ...inputs } });
  runs.push(run);
  return run;
}

const CREDENTIAL_VARS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];
const calls = (endpoint: string) => sandbox().faults.calls(endpoint);

describe('actions/aws', () => {
  it('hands a proved session to the next step, masked, and clears it at the end', async () => {
    let nextStep = { code: null as number | null, stdout: '', stderr: '' };
    const run = await job(
      {},
      {
        between: async (env) => {
          nextStep = await runStep('aws-whoami.ts', { ...env, AWS_ENDPOINT_URL_STS: sandbox().stsEndpoint });
        },
      },
    );
    expect(run.main.code).toBe(0);
    expect(Object.keys(run.main.exported).sort()).toEqual([
      'AWS_ACCESS_KEY_ID',
      'AWS_DEFAULT_REGION',
      'AWS_REGION',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
    ]);
    expect(run.main.exported.AWS_REGION).toBe('eu-west-1');
    for (const name of CREDENTIAL_VARS) expect(run.main.masks).toContain(run.main.exported[name]);
    expect(run.main.outputs['aws-account-id']).toBe('111122223333');
    expect(run.main.outputs['authenticated-arn']).toBe(
      'arn:aws:sts::111122223333:assumed-role/keyless-demo/GitHubActions-16429043581-1',
    );
    const lifetime = Date.parse(run.main.outputs['aws-expiration'] ?? '') - Date.now();
    expect(lifetime).toBeGreaterThan(3500_000);
    expect(lifetime).toBeLessThanOrEqual(3600_000);
    expect(run.main.outputs).not.toHaveProperty('aws-access-key-id');
    // One token, one exchange, one proof by keyless, and one GetCallerIdentity by the next step's SDK.
    expect([
      calls('oidc.token'),
      calls('aws.AssumeRoleWithWebIdentity'),
      calls('aws.GetCallerIdentity'),
    ]).toEqual([1, 1, 2]);

    expect(nextStep.stderr).toBe('');
    expect(JSON.parse(nextStep.stdout)).toEqual({
      account: '111122223333',
      arn: 'arn:aws:sts::111122223333:assumed-role/keyless-demo/GitHubActions-16429043581-1',
    });

    expect(run.post?.code).toBe(0);
    expect(run.post?.exported).toEqual({
      AWS_REGION: '',
      AWS_DEFAULT_REGION: '',
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_SESSION_TOKEN: '',
    });
    expect(leaks(run, sandbox())).toEqual([]);
  });

  it('leaks nothing in debug mode, and masks every secret before the first line is logged', async () => {
    const run = await job({}, { env: { ...DEBUG_ENV, AWS_ENDPOINT_URL_STS: 'https://unused.example.com' } });
    expect(run.main.code).toBe(0);
    expect(run.main.stdout).toMatch(/^::debug::OIDC token claims: /m);
    const firstLog = run.main.stdout.split('\n').findIndex((line) => !line.startsWith('::add-mask::'));
    const lastMask = run.main.stdout.split('\n').findLastIndex((line) => line.startsWith('::add-mask::'));
    expect(run.main.masks.length).toBeGreaterThanOrEqual(4);
    expect(lastMask).toBeLessThan(
      run.main.stdout.split('\n').findIndex((line) => line.startsWith('Assumed ')),
    );
    expect(firstLog).toBeGreaterThanOrEqual(0);
    expect(leaks(run, sandbox())).toEqual([]);
  });

  it('sets credential outputs, masked, only with output-credentials', async () => {
    const run = await job({ 'output-credentials': 'true', 'mask-aws-account-id': 'true' });
    expect(run.main.code).toBe(0);
    expect(run.main.outputs['aws-access-key-id']).toBe(run.main.exported.AWS_ACCESS_KEY_ID);
    expect(run.main.outputs['aws-secret-access-key']).toBe(run.main.exported.AWS_SECRET_ACCESS_KEY);
    expect(run.main.outputs['aws-session-token']).toBe(run.main.exported.AWS_SESSION_TOKEN);
    expect(run.main.masks).toContain('111122223333');
    expect(runnerLog(run.main.stdout, run.main.masks)).not.toContain('111122223333');
    expect(leaks(run, sandbox(), { allowOutputs: true })).toEqual([]);
  });

  it('honours AWS_ENDPOINT_URL_STS and a custom session name', async () => {
    const run = await job(
      { 'sts-endpoint': '', 'role-session-name': 'deploy@prod' },
      { env: { AWS_ENDPOINT_URL_STS: sandbox().stsEndpoint } },
    );
    expect(run.main.code).toBe(0);
    expect(run.main.outputs['authenticated-arn']).toMatch(/\/deploy@prod$/);
  });

  it('rejects a trust-policy mismatch after one attempt, showing the claims and the statement that admits the job', async () => {
    const run = await job({ 'role-to-assume': LOCKED_ROLE });
    const error = expectFailedClosed(run, sandbox());
    expect(calls('aws.AssumeRoleWithWebIdentity')).toBe(1);
    expect(error).toContain('[ERR_TRUST_REJECTED]');
    expect(error).toContain(`role: ${LOCKED_ROLE}`);
    expect(error).toContain(`token iss: "${sandbox().oidc.issuer}"`);
    expect(error).toContain('token sub: "repo:keyless-dev/demo:ref:refs/heads/main"');
    expect(error).toContain('token aud: "sts.amazonaws.com"');
    expect(error).toContain('token repository_id: "880000001"');
    expect(error).toContain('AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity');
    expect(error).toContain(':sub":"repo:keyless-dev/demo:ref:refs/heads/main"');
    expect(error).toContain('"StringEquals"');
    expect(run.post?.code).toBe(0);
    expect(run.post?.stdout).toContain('Nothing to end');
  });

  it('rejects a wrong audience after one attempt and says how to fix the provider', async () => {
    const run = await job({ audience: 'api://AzureADTokenExchange' });
    const error = expectFailedClosed(run, sandbox());
    expect(calls('aws.AssumeRoleWithWebIdentity')).toBe(1);
    expect(error).toContain('InvalidIdentityToken: Incorrect token audience');
    expect(error).toContain('token aud: "api://AzureADTokenExchange"');
    expect(error).toMatch(/Fix: Add "api:\/\/AzureADTokenExchange" to the audiences/);
  });

  it.each([
    ['Throttling', 400, 'Throttling'],
    ['a 500', 500, 'InternalFailure'],
    ['IDPCommunicationError', 400, 'IDPCommunicationError'],
  ])('retries %s: two failures then success is three calls', async (_name, status, code) => {
    sandbox().faults.inject('aws.AssumeRoleWithWebIdentity', { status, code }, 2);
    const run = await job();
    expect(run.main.code).toBe(0);
    expect(calls('aws.AssumeRoleWithWebIdentity')).toBe(3);
    expect(calls('oidc.token')).toBe(1);
    expect(leaks(run, sandbox())).toEqual([]);
  });

  it('retries a proxy error page (502 with HTML)', async () => {
    sandbox().faults.inject('aws.AssumeRoleWithWebIdentity', {
      status: 502,
      body: '<html>Bad Gateway</html>',
    });
    const run = await job();
    expect(run.main.code).toBe(0);
    expect(calls('aws.AssumeRoleWithWebIdentity')).toBe(2);
  });

  it('fails closed on a 200 reply that is not STS XML, without echoing it', async () => {
    sandbox().faults.inject('aws.AssumeRoleWithWebIdentity', {
      status: 200,
      body: '<html>captive portal</html>',
    });
    const error = expectFailedClosed(await job(), sandbox());
    expect(calls('aws.AssumeRoleWithWebIdentity')).toBe(1);
    expect(error).not.toContain('captive portal');
  });

  it('asks for one fresh token and retries once when STS finds the token expired', async () => {
    sandbox().faults.inject(
      'aws.AssumeRoleWithWebIdentity',
      { status: 400, code: 'ExpiredTokenException' },
      1,
    );
    const run = await job();
    expect(run.main.code).toBe(0);
    expect([calls('oidc.token'), calls('aws.AssumeRoleWithWebIdentity')]).toEqual([2, 2]);
  });

  it('stops after the single retry when the fresh token is expired too', async () => {
    sandbox().faults.inject(
      'aws.AssumeRoleWithWebIdentity',
      { status: 400, code: 'ExpiredTokenException' },
      3,
    );
    const error = expectFailedClosed(await job(), sandbox());
    expect([calls('oidc.token'), calls('aws.AssumeRoleWithWebIdentity')]).toEqual([2, 2]);
    expect(error).toContain('[ERR_TOKEN_EXPIRED]');
  });

  it('fails closed when the role is outside allowed-account-ids, and passes when it is inside', async () => {
    const denied = await job({ 'role-to-assume': PARTNER_ROLE, 'allowed-account-ids': '111122223333' });
    expect(expectFailedClosed(denied, sandbox())).toContain('[ERR_ACCOUNT_NOT_ALLOWED]');
    const allowed = await job({
      'role-to-assume': PARTNER_ROLE,
      'allowed-account-ids': '111122223333, 444455556666',
    });
    expect(allowed.main.code).toBe(0);
    expect(allowed.main.outputs['aws-account-id']).toBe('444455556666');
  });

  it('fails closed when GetCallerIdentity cannot prove the new session', async () => {
    sandbox().faults.inject('aws.GetCallerIdentity', { status: 403, code: 'InvalidClientTokenId' });
    const error = expectFailedClosed(await job(), sandbox());
    expect(error).toContain('[ERR_PROOF_FAILED]');
    expect(calls('aws.GetCallerIdentity')).toBe(1);
  });

  it('reports a missing id-token permission before any network call', async () => {
    const error = expectFailedClosed(await job({}, { idToken: false }), sandbox());
    expect(error).toContain('[ERR_OIDC_PERMISSION]');
    expect(error).toContain('id-token: write');
    expect(calls('oidc.token')).toBe(0);
  });

  it('retries the ID-token endpoint on 5xx (three calls) and never on 401', async () => {
    sandbox().faults.inject('oidc.token', { status: 503 }, 2);
    const ok = await job();
    expect(ok.main.code).toBe(0);
    expect(calls('oidc.token')).toBe(3);
    sandbox().faults.reset();
    const refused = await job({}, { env: { ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'expired-request-token' } });
    expect(expectFailedClosed(refused, sandbox())).toContain('HTTP 401');
    expect(calls('oidc.token')).toBe(1);
  });

  it('refuses plain http to a non-loopback STS before requesting a token', async () => {
    const error = expectFailedClosed(await job({ 'sts-endpoint': 'http://sts.example.com' }), sandbox());
    expect(error).toContain('[ERR_INSECURE_URL]');
    expect(calls('oidc.token')).toBe(0);
  });

  it('reports a duration over the role maximum with STS own message, after one attempt', async () => {
    const error = expectFailedClosed(await job({ 'role-duration-seconds': '7200' }), sandbox());
    expect(error).toContain('exceeds the MaxSessionDuration');
    expect(calls('aws.AssumeRoleWithWebIdentity')).toBe(1);
  });
});
