/**
 * The GitLab CI/CD component, run by gitlab-ci-local (shell executor) against the sandbox: a pipeline that
 * includes the templates as components from the commit, extends `.keyless-aws` and `.keyless-vault`, and
 * proves that the scripts used the credentials, that the job log holds none of them, and that after_script
 * ended them, for passing and failing jobs.
 */
import { spawn } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { filesBelow, findLeaks } from '../../sandbox/leaks.ts';
import { runProcess } from '../../sandbox/process.ts';
import { GITLAB_ROLE, GITLAB_SUB } from '../../sandbox/server.ts';
import { VAULT_AUDIENCE } from '../../sandbox/vault/seed.ts';
import { useSandbox } from '../support/job.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const sandbox = useSandbox();
let project = '';
let temp = '';

/** The pipeline: each job proves something without printing a secret. */
function pipeline(stsEndpoint: string, vaultUrl: string): string {
  const steps = join(ROOT, 'sandbox', 'steps');
  const include = [
    {
      component: '$CI_SERVER_FQDN/$CI_PROJECT_PATH/aws@$CI_COMMIT_SHA',
      inputs: { 'role-to-assume': GITLAB_ROLE, 'aws-region': 'eu-west-1', 'sts-endpoint': stsEndpoint },
    },
    {
      component: '$CI_SERVER_FQDN/$CI_PROJECT_PATH/vault@$CI_COMMIT_SHA',
      inputs: {
        url: vaultUrl,
        role: 'gitlab-reader',
        audience: VAULT_AUDIENCE,
        secrets: 'secret/data/ci/app password | APP_PASSWORD ; database/creds/readonly * | DB_',
      },
    },
  ];
  const node = `"${process.execPath}"`;
  return `${stringify({
    include,
    'aws-deploy': {
      extends: '.keyless-aws',
      script: [
        `${node} "${steps}/aws-whoami.ts"`,
        'echo "secret key of ${#AWS_SECRET_ACCESS_KEY} characters"',
      ],
    },
    'vault-deploy': {
      extends: '.keyless-vault',
      variables: { KEYLESS_CHECK: 'APP_PASSWORD,DB_PASSWORD' },
      script: [`${node} "${steps}/vault-use.ts"`],
    },
    'vault-fails': {
      extends: '.keyless-vault',
      script: ['echo "about to fail with ${#APP_PASSWORD} characters"', 'exit 3'],
    },
  })}
# Two providers in one job, as the README shows: extends merges the variables and id_tokens, and !reference
# runs both before_scripts (extends alone would keep only the last one).
both-providers:
  extends: [.keyless-aws, .keyless-vault]
  before_script:
    - !reference [.keyless-aws, before_script]
    - !reference [.keyless-vault, before_script]
  after_script:
    - !reference [.keyless-aws, after_script]
    - !reference [.keyless-vault, after_script]
  script:
    - echo "aws \${#AWS_SESSION_TOKEN} vault \${#APP_PASSWORD}"
`;
}

/** Runs gitlab-ci-local for `jobs`; resolves with its exit code and everything it printed. */
async function gitlabCiLocal(jobs: readonly string[]): Promise<{ code: number | null; output: string }> {
  const cli = join(ROOT, 'node_modules', 'gitlab-ci-local', 'dist', 'index.js');
  const env = {
    PATH: `${join(project, '..', 'bin')}:${process.env.PATH ?? ''}`,
    HOME: process.env.HOME ?? project,
    TMPDIR: temp,
  };
  const run = await runProcess(process.execPath, [cli, '--shell-executor-no-image', ...jobs], {
    env,
    cwd: project,
    timeoutMs: 120_000,
  });
  return { code: run.code, output: run.stdout + run.stderr };
}

function git(...args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['-c', 'user.email=ci@keyless.test', '-c', 'user.name=ci', ...args], {
      cwd: project,
      stdio: 'ignore',
    });
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`git ${args.join(' ')} exited ${code}`)),
    );
  });
}

const GITLAB_CLAIMS = {
  sub: GITLAB_SUB,
  namespace_path: 'keyless-dev',
  project_path: 'keyless-dev/deploy',
  ref: 'main',
  ref_type: 'branch',
  ref_protected: 'true',
  pipeline_source: 'push',
  repository: undefined,
  job_workflow_ref: undefined,
};

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-gitlab-'));
  project = join(dir, 'deploy');
  temp = join(dir, 'tmp');
  for (const path of [project, temp, join(dir, 'bin')]) mkdirSync(path);
  const keyless = join(dir, 'bin', 'keyless');
  writeFileSync(
    keyless,
    `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'cli', 'keyless.cjs')}" "$@"\n`,
  );
  chmodSync(keyless, 0o755);
  cpSync(join(ROOT, 'gitlab-component', 'templates'), join(project, 'templates'), { recursive: true });
  writeFileSync(join(project, '.gitlab-ci.yml'), pipeline(sandbox().stsEndpoint, sandbox().vaultUrl));
  const mint = (audience: string) =>
    sandbox().oidc.mint({ audience, claims: GITLAB_CLAIMS, lifetimeSeconds: 3600 });
  // gitlab-ci-local does not inject id_tokens: the tokens GitLab would put there come as variables.
  writeFileSync(
    join(project, '.gitlab-ci-local-variables.yml'),
    stringify({
      KEYLESS_AWS_ID_TOKEN: await mint('sts.amazonaws.com'),
      KEYLESS_VAULT_ID_TOKEN: await mint(VAULT_AUDIENCE),
      AWS_ENDPOINT_URL_STS: sandbox().stsEndpoint,
    }),
  );
  await git('init', '-q', '-b', 'main');
  await git('add', 'templates', '.gitlab-ci.yml');
  await git('commit', '-qm', 'pipeline');
  await git('remote', 'add', 'origin', 'git@gitlab.example.com:keyless-dev/deploy.git');
  await git('update-ref', 'refs/remotes/origin/main', 'HEAD');
  await git('symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');
}, 60_000);
afterAll(() => rmSync(join(project, '..'), { recursive: true, force: true }));

/** Everything gitlab-ci-local printed or logged, for the leak scan. */
const logs = (output: string) => ({
  output,
  ...(existsSync(join(project, '.gitlab-ci-local')) ? filesBelow(join(project, '.gitlab-ci-local')) : {}),
});
const vaultTokens = () => [...sandbox().vault.store.tokens.keys()];

describe('the GitLab component', () => {
  it('hands AWS and Vault credentials to the scripts, keeps them out of the log, and ends them in after_script', async () => {
    const before = new Set(vaultTokens());
    const run = await gitlabCiLocal(['aws-deploy', 'vault-deploy', 'both-providers']);
    expect(run.output).toMatch(/PASS\s+aws-deploy/);
    expect(run.output).toMatch(/PASS\s+vault-deploy/);
    expect(run.output).toMatch(/PASS\s+both-providers/);
    expect(run.code).toBe(0);
    expect(run.output).toContain('"arn":"arn:aws:sts::111122223333:assumed-role/keyless-gitlab/GitLab-');
    expect(run.output).toContain('secret key of 40 characters');
    expect(run.output).toMatch(/"hashes":\{"APP_PASSWORD":"[0-9a-f]{64}","DB_PASSWORD":"[0-9a-f]{64}"\}/);
    expect(run.output).toMatch(/aws \d{3,} vault \d{2,}/);
    const issued = vaultTokens().filter((token) => !before.has(token));
    expect(issued).toHaveLength(2);
    for (const token of issued)
      expect(sandbox().vault.store.live(token), 'after_script left a Vault token alive').toBeUndefined();
    const leases = [...sandbox().vault.store.leases.values()].filter((lease) => issued.includes(lease.owner));
    expect(leases.map((lease) => sandbox().vault.store.leaseAlive(lease.id))).toEqual([false, false]);
    expect(readdirSync(temp).filter((name) => name.startsWith('keyless-'))).toEqual([]);
    expect(findLeaks(logs(run.output), sandbox().ledger.secrets)).toEqual([]);
  }, 120_000);

  it('ends the credentials of a failing job too', async () => {
    const before = new Set(vaultTokens());
    const run = await gitlabCiLocal(['vault-fails']);
    expect(run.code).not.toBe(0);
    expect(run.output).toMatch(/FAIL\s+vault-fails/);
    expect(run.output).toMatch(/about to fail with \d+ characters/);
    const issued = vaultTokens().filter((token) => !before.has(token));
    expect(issued).toHaveLength(1);
    expect(sandbox().vault.store.live(issued[0])).toBeUndefined();
    expect(readdirSync(temp).filter((name) => name.startsWith('keyless-'))).toEqual([]);
    expect(findLeaks(logs(run.output), sandbox().ledger.secrets)).toEqual([]);
  }, 120_000);
});
