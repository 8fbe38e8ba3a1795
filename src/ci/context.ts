/**
 * What keyless knows of the CI job it runs in, read once from the environment at the entry point:
 * which system, which run, and where secret files may live (never inside the workspace).
 */
import { tmpdir } from 'node:os';

/** The CI systems keyless tells apart. */
export type CiSystem = 'github' | 'gitlab' | 'jenkins' | 'local';

/** The job keyless runs in. */
export interface CiContext {
  readonly system: CiSystem;
  /** A short, stable name for sessions, e.g. `GitHubActions-1234-1`, `GitLab-98765`, `jenkins-deploy-42`. */
  readonly sessionName: string;
  /** The checked-out sources, which no secret file may enter. */
  readonly workspace: string | undefined;
  /** A private temporary directory outside the workspace (`RUNNER_TEMP` on GitHub, `WORKSPACE_TMP` on Jenkins). */
  readonly tempDir: string;
  /** The longest lifetime a credential may have: what is left of the job's timeout (GitLab), if known. */
  readonly maxLifetimeSeconds: number | undefined;
}

function sessionName(system: CiSystem, env: NodeJS.ProcessEnv): string {
  switch (system) {
    case 'github':
      return ['GitHubActions', env.GITHUB_RUN_ID, env.GITHUB_RUN_ATTEMPT].filter(Boolean).join('-');
    case 'gitlab':
      return ['GitLab', env.CI_JOB_ID].filter(Boolean).join('-');
    case 'jenkins':
      return env.BUILD_TAG || ['Jenkins', env.BUILD_NUMBER].filter(Boolean).join('-');
    default:
      return 'keyless';
  }
}

function detectSystem(env: NodeJS.ProcessEnv): CiSystem {
  if (env.GITHUB_ACTIONS === 'true') return 'github';
  // GitLab sets GITLAB_CI=true; gitlab-ci-local sets it to false but gives the job GitLab's variables.
  if (env.GITLAB_CI === 'true' || (env.CI_JOB_ID && env.CI_SERVER_URL)) return 'gitlab';
  if (env.JENKINS_URL || env.JENKINS_HOME) return 'jenkins';
  return 'local';
}

/** What is left of a GitLab job's timeout (`CI_JOB_TIMEOUT` seconds from `CI_JOB_STARTED_AT`). */
function timeLeft(env: NodeJS.ProcessEnv, now: number): number | undefined {
  const timeout = Number(env.CI_JOB_TIMEOUT);
  const started = Date.parse(env.CI_JOB_STARTED_AT ?? '');
  if (!(timeout > 0) || Number.isNaN(started)) return undefined;
  return Math.max(0, Math.floor((started + timeout * 1000 - now) / 1000));
}

/** Reads the CI context from an environment, e.g. `detectCi(process.env).sessionName`. */
export function detectCi(env: NodeJS.ProcessEnv, now = Date.now()): CiContext {
  const system = detectSystem(env);
  const workspace = env.GITHUB_WORKSPACE || env.CI_PROJECT_DIR || env.WORKSPACE || undefined;
  const tempDir =
    (system === 'github' && env.RUNNER_TEMP) || (system === 'jenkins' && env.WORKSPACE_TMP) || tmpdir();
  const maxLifetimeSeconds = system === 'gitlab' ? timeLeft(env, now) : undefined;
  return { system, sessionName: sessionName(system, env), workspace, tempDir, maxLifetimeSeconds };
}
