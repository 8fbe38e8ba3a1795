/**
 * The CLI's other ways out: formats (and the AWS SDK calling `--format credential-process` itself), state
 * files and `keyless revoke`, lifetimes kept within a GitLab job's timeout, `keyless doctor`, and bad flags.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLeaks } from '../../sandbox/leaks.ts';
import { DEMO_ROLE, LOCKED_ROLE } from '../../sandbox/server.ts';
import { runStep } from '../../sandbox/steps.ts';
import { VAULT_AUDIENCE } from '../../sandbox/vault/seed.ts';
import { useSandbox } from '../support/job.ts';
import { awsFlags, CLI, runCli, useJenkinsBuilds, vaultFlags } from './support.ts';

const sandbox = useSandbox();
const build = useJenkinsBuilds(sandbox);

const noLeaks = (texts: Record<string, string>) =>
  expect(findLeaks(texts, sandbox().ledger.secrets)).toEqual([]);

describe('keyless formats', () => {
  it('prints shell exports that a shell can eval, and nothing on stderr but non-secret progress', async () => {
    const b = await build('sts.amazonaws.com');
    const run = await runCli(['aws', ...awsFlags(sandbox()), '--format', 'shell'], {
      ...b.env,
      KEYLESS_AWS_ID_TOKEN: b.token,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^export AWS_REGION='eu-west-1'\n/);
    const shell = spawnSync('sh', ['-c', `eval "$(cat)"; printf '%s' "$AWS_SECRET_ACCESS_KEY" | wc -c`], {
      input: run.stdout,
      encoding: 'utf8',
    });
    expect(shell.stdout.trim()).toBe('40');
    noLeaks({ stderr: run.stderr });
  });

  it('writes dotenv and json to a 0600 file outside the workspace, and refuses one inside it', async () => {
    const b = await build('sts.amazonaws.com');
    const out = join(b.temp, 'aws.env');
    const run = await runCli(['aws', ...awsFlags(sandbox()), '--format', 'dotenv', '--output', out], {
      ...b.env,
      KEYLESS_AWS_ID_TOKEN: b.token,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    expect(readFileSync(out, 'utf8')).toMatch(
      /^AWS_REGION=eu-west-1\nAWS_DEFAULT_REGION=eu-west-1\nAWS_ACCESS_KEY_ID=ASIA/,
    );
    const json = await runCli(['aws', ...awsFlags(sandbox()), '--format', 'json'], {
      ...b.env,
      KEYLESS_AWS_ID_TOKEN: b.token,
    });
    expect(JSON.parse(json.stdout)).toMatchObject({
      env: { AWS_REGION: 'eu-west-1' },
      outputs: { 'aws-account-id': '111122223333' },
    });
    const inside = await runCli(
      ['aws', ...awsFlags(sandbox()), '--format', 'dotenv', '--output', join(b.workspace, '.env')],
      { ...b.env, KEYLESS_AWS_ID_TOKEN: b.token },
    );
    expect(inside.code).toBe(1);
    expect(inside.stderr).toContain('lies inside the workspace');
    expect(existsSync(join(b.workspace, '.env'))).toBe(false);
  });

  it('serves the AWS SDK as a credential_process, so the SDK calls keyless again when it needs credentials', async () => {
    const b = await build('sts.amazonaws.com');
    const process_ = `${process.execPath} ${CLI} aws ${awsFlags(sandbox()).join(' ')} --format credential-process`;
    const config = join(b.temp, 'aws-config');
    writeFileSync(config, `[profile ci]\ncredential_process = ${process_}\nregion = eu-west-1\n`);
    const direct = await runCli(['aws', ...awsFlags(sandbox()), '--format', 'credential-process'], {
      ...b.env,
      KEYLESS_AWS_ID_TOKEN: b.token,
    });
    expect(Object.keys(JSON.parse(direct.stdout))).toEqual([
      'Version',
      'AccessKeyId',
      'SecretAccessKey',
      'SessionToken',
      'Expiration',
    ]);
    const step = await runStep('aws-whoami.ts', {
      ...b.env,
      KEYLESS_AWS_ID_TOKEN: b.token,
      AWS_CONFIG_FILE: config,
      AWS_SHARED_CREDENTIALS_FILE: join(b.temp, 'none'),
      AWS_PROFILE: 'ci',
      AWS_ENDPOINT_URL_STS: sandbox().stsEndpoint,
    });
    expect(JSON.parse(step.stdout).arn).toBe(
      'arn:aws:sts::111122223333:assumed-role/keyless-jenkins/jenkins-deploy-42',
    );
  });

  it('keeps an AWS session within what is left of a GitLab job', async () => {
    const token = await sandbox().oidc.mint({ audience: 'sts.amazonaws.com' });
    const gitlab = {
      PATH: process.env.PATH ?? '',
      GITLAB_CI: 'true',
      CI_JOB_ID: '777',
      CI_JOB_TIMEOUT: '1800',
      CI_JOB_STARTED_AT: new Date(Date.now() - 600_000).toISOString(),
    };
    const run = await runCli(['aws', ...awsFlags(sandbox(), DEMO_ROLE), '--format', 'json'], {
      ...gitlab,
      KEYLESS_AWS_ID_TOKEN: token,
    });
    const { outputs } = JSON.parse(run.stdout) as { outputs: Record<string, string> };
    const lifetime = (Date.parse(outputs['aws-expiration'] ?? '') - Date.now()) / 1000;
    expect(lifetime).toBeGreaterThan(1150);
    expect(lifetime).toBeLessThanOrEqual(1200);
    expect(outputs['authenticated-arn']).toMatch(/\/GitLab-777$/);
  });
});

describe('keyless --state and revoke', () => {
  it('records what to end, and keyless revoke ends it once (the Vault token dies, the files go)', async () => {
    const b = await build(VAULT_AUDIENCE);
    const state = join(b.temp, 'keyless.state');
    const before = new Set(sandbox().vault.store.tokens.keys());
    const run = await runCli(
      [
        'vault',
        ...vaultFlags(sandbox()),
        '--secrets',
        'kv1/ci/legacy api_key',
        '--format',
        'shell',
        '--state',
        state,
      ],
      {
        ...b.env,
        KEYLESS_ID_TOKEN: b.token,
      },
    );
    expect(run.code).toBe(0);
    expect(statSync(state).mode & 0o777).toBe(0o600);
    noLeaks({ state: readFileSync(state, 'utf8'), stderr: run.stderr });
    const [token = ''] = [...sandbox().vault.store.tokens.keys()].filter((t) => !before.has(t));
    expect(sandbox().vault.store.live(token)).toBeDefined();
    const revoke = await runCli(['revoke', '--state', state], b.env);
    expect(revoke.code).toBe(0);
    expect(sandbox().vault.store.live(token)).toBeUndefined();
    expect(existsSync(state)).toBe(false);
    const again = await runCli(['revoke', '--state', state], b.env);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('Nothing to end');
  });

  it('warns that nothing will end a Vault credential printed without --state, and leaves no file', async () => {
    const b = await build(VAULT_AUDIENCE);
    const run = await runCli(['vault', ...vaultFlags(sandbox()), '--format', 'json'], {
      ...b.env,
      KEYLESS_ID_TOKEN: b.token,
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('warning: Without --state FILE nothing will end this vault credential');
  });
});

describe('keyless doctor', () => {
  it('shows the claims, never the token, and the statement that admits the job when AWS refuses it', async () => {
    const b = await build('sts.amazonaws.com');
    const run = await runCli(['doctor', 'aws', ...awsFlags(sandbox(), LOCKED_ROLE)], {
      ...b.env,
      KEYLESS_AWS_ID_TOKEN: b.token,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^OIDC token from the variable KEYLESS_AWS_ID_TOKEN \(sha256:[0-9a-f]{16}\), CI system: jenkins$/m,
    );
    expect(run.stdout).toContain('sub                  "https://jenkins.example.com/job/deploy/"');
    expect(run.stdout).toContain('aws: audience "sts.amazonaws.com" is in the token\'s aud');
    expect(run.stdout).toContain(':sub":"https://jenkins.example.com/job/deploy/"');
    expect(run.stdout).toMatch(/^live check: AWS refused to let this job assume .*AccessDenied/m);
    noLeaks({ stdout: run.stdout, stderr: run.stderr });
  });

  it('live-checks AWS with the shortest session STS allows, since a session cannot be revoked', async () => {
    const b = await build('sts.amazonaws.com');
    const before = sandbox().faults.calls('aws.AssumeRoleWithWebIdentity');
    const run = await runCli(['doctor', 'aws', ...awsFlags(sandbox()), '--role-duration-seconds', '43200'], {
      ...b.env,
      KEYLESS_AWS_ID_TOKEN: b.token,
    });
    // The Jenkins role's maximum is one hour: 43200 s would be refused, so a pass proves the probe asked for less.
    expect(run.stdout).toContain('live check: aws admits this token');
    expect(sandbox().faults.calls('aws.AssumeRoleWithWebIdentity')).toBe(before + 1);
  });

  it('reports a match after a live check whose credential is ended at once', async () => {
    const b = await build(VAULT_AUDIENCE);
    const before = new Set(sandbox().vault.store.tokens.keys());
    const run = await runCli(['doctor', 'vault', ...vaultFlags(sandbox())], {
      ...b.env,
      KEYLESS_VAULT_ID_TOKEN: b.token,
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('live check: vault admits this token');
    const tokens = [...sandbox().vault.store.tokens.keys()].filter((t) => !before.has(t));
    expect(tokens.map((t) => sandbox().vault.store.live(t))).toEqual([undefined]);
  });

  it('shows the claims of a token alone', async () => {
    const b = await build('sts.amazonaws.com');
    const run = await runCli(['doctor', '--id-token-env', 'IDTOKEN'], { ...b.env, IDTOKEN: b.token });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('aud                  "sts.amazonaws.com"');
    expect(run.stdout).not.toContain(b.token.split('.')[1]);
  });
});

describe('keyless bad flags', () => {
  it.each([
    [
      'an unknown flag',
      ['aws', '--role', 'x'],
      'Unknown flag --role for keyless aws. [ERR_INPUT_INVALID] Fix: Did you mean --role-to-assume?',
    ],
    ['an unknown provider', ['oracle', '--x', 'y'], 'Unknown provider or command "oracle"'],
    [
      'no mode',
      ['aws', '--role-to-assume', DEMO_ROLE, '--aws-region', 'eu-west-1'],
      'Say what to do with the credentials.',
    ],
    [
      'exec mode with a format',
      ['aws', '--format', 'json', '--', 'true'],
      '-- COMMAND cannot be combined with --format',
    ],
    ['an unknown format', ['aws', '--format', 'xml'], 'Flag --format is "xml"'],
    ['a flag without a value', ['aws', '--aws-region'], 'Flag --aws-region needs a value.'],
    [
      'an invalid input',
      ['aws', '--role-to-assume', 'deploy', '--aws-region', 'eu-west-1', '--format', 'json'],
      'Input role-to-assume is a role name, not an ARN',
    ],
    [
      'no token at all',
      ['aws', '--role-to-assume', DEMO_ROLE, '--aws-region', 'eu-west-1', '--format', 'json'],
      'No OIDC token was handed to keyless. [ERR_OIDC_PERMISSION]',
    ],
    ['revoke without a state file', ['revoke'], 'keyless revoke needs --state FILE.'],
  ])('rejects %s with one line on stderr and exit 1', async (_name, args, message) => {
    const run = await runCli(args, { PATH: process.env.PATH ?? '' });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(run.stderr).toContain(message);
    expect(sandbox().faults.calls('aws.AssumeRoleWithWebIdentity')).toBe(0);
  });

  it('prints its version and help', async () => {
    expect((await runCli(['--version'], {})).stdout).toMatch(/^keyless \d+\.\d+\.\d+\n$/);
    const help = await runCli(['aws', '--help'], {});
    expect(help.stdout).toContain('--role-to-assume');
    expect(help.stdout).toContain('--format shell|dotenv|json|credential-process');
  });
});
