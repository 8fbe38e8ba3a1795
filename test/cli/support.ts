/** Runs the committed CLI bundle as a Jenkins agent's shell would. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { type Finished, runProcess } from '../../sandbox/process.ts';
import { JENKINS_ROLE, JENKINS_SUB, type Sandbox } from '../../sandbox/server.ts';
import { VAULT_AUDIENCE } from '../../sandbox/vault/seed.ts';

export const CLI = join(import.meta.dirname, '..', '..', 'cli', 'keyless.cjs');
export const STEPS = join(import.meta.dirname, '..', '..', 'sandbox', 'steps');

/** A Jenkins build: its workspace, WORKSPACE_TMP, and the variables the agent sets. */
export interface JenkinsBuild {
  readonly dir: string;
  readonly workspace: string;
  readonly temp: string;
  readonly env: Record<string, string>;
  cleanup(): void;
}

/** A fresh Jenkins build environment (no token bound yet). */
export function jenkinsBuild(): JenkinsBuild {
  const dir = mkdtempSync(join(tmpdir(), 'keyless-jenkins-'));
  const workspace = join(dir, 'workspace');
  const temp = join(dir, 'workspace@tmp');
  mkdirSync(workspace);
  mkdirSync(temp);
  return {
    dir,
    workspace,
    temp,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      JENKINS_URL: 'https://jenkins.example.com/',
      JOB_NAME: 'deploy',
      BUILD_NUMBER: '42',
      BUILD_TAG: 'jenkins-deploy-42',
      WORKSPACE: workspace,
      WORKSPACE_TMP: temp,
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A token as the Jenkins OIDC Provider plugin mints it: sub is the job URL, aud fixed per credential. */
export function jenkinsToken(sandbox: Sandbox, audience: string): Promise<string> {
  return sandbox.oidc.mint({
    audience,
    claims: { sub: JENKINS_SUB, build_number: 42, repository: undefined, job_workflow_ref: undefined },
  });
}

/** Binds a token to a file, as withCredentials([file(…)]) does. */
export function bindFile(build: JenkinsBuild, token: string): string {
  const path = join(build.temp, 'secretFiles-id-token');
  writeFileSync(path, token, { mode: 0o600 });
  return path;
}

/** A Node 20 binary (the oldest the CLI supports), if this machine has one. */
export function node20(): string | undefined {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    const version = spawnSync(candidate, ['--version'], { encoding: 'utf8' }).stdout ?? '';
    if (version.startsWith('v20.')) return candidate;
  }
  return undefined;
}

/** Runs `keyless ARGS…`; `onStdout` sees output as it arrives and may signal the process. */
export function runCli(
  args: readonly string[],
  env: Record<string, string>,
  onStdout?: (text: string, pid: number) => void,
  node = process.execPath,
): Promise<Finished> {
  return runProcess(node, [CLI, ...args], { env, ...(onStdout ? { onStdout } : {}) });
}

/**
 * Jenkins builds for one test file, each with a token the OIDC Provider plugin would mint for `audience`;
 * deleted after each test. E.g. `const build = useJenkinsBuilds(sandbox); const b = await build('sts.amazonaws.com')`.
 */
export function useJenkinsBuilds(
  sandbox: () => Sandbox,
): (audience: string) => Promise<JenkinsBuild & { token: string }> {
  const builds: JenkinsBuild[] = [];
  afterEach(() => {
    for (const build of builds.splice(0)) build.cleanup();
  });
  return async (audience) => {
    const build = jenkinsBuild();
    builds.push(build);
    return { ...build, token: await jenkinsToken(sandbox(), audience) };
  };
}

/** The flags of `keyless aws` for the sandbox's Jenkins role (or `role`). */
export const awsFlags = (sandbox: Sandbox, role = JENKINS_ROLE) => [
  '--role-to-assume',
  role,
  '--aws-region',
  'eu-west-1',
  '--sts-endpoint',
  sandbox.stsEndpoint,
];

/** The flags of `keyless vault` for the sandbox's Jenkins role. */
export const vaultFlags = (sandbox: Sandbox) => [
  '--url',
  sandbox.vaultUrl,
  '--role',
  'jenkins-reader',
  '--audience',
  VAULT_AUDIENCE,
];
