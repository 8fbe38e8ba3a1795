/**
 * Runs a committed action the way a GitHub runner does: inputs (with action.yml defaults) as INPUT_*,
 * fresh GITHUB_ENV/OUTPUT/STATE files per step, the ID-token endpoint variables, main, then post with
 * the state main saved and the variables it exported.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { githubJobEnv } from './oidc.ts';
import { runProcess } from './process.ts';
import type { Sandbox } from './server.ts';

/** How to run one action. */
export interface ActionRun {
  /** The provider, i.e. the folder under actions/. */
  readonly action: string;
  readonly inputs?: Readonly<Record<string, string>>;
  /** Extra job variables (endpoint overrides, RUNNER_DEBUG…). */
  readonly env?: Readonly<Record<string, string>>;
  /** False for a job without `permissions: id-token: write`. */
  readonly idToken?: boolean;
  /** False to stop after main. */
  readonly post?: boolean;
  /** The job's later steps, run between main and post with the job's variables as they are then. */
  readonly between?: (env: Readonly<Record<string, string>>) => Promise<void>;
  /** The repository root holding actions/ (the current directory by default). */
  readonly root?: string;
}

/** What one step did. */
export interface StepRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly exported: Readonly<Record<string, string>>;
  readonly outputs: Readonly<Record<string, string>>;
  readonly state: Readonly<Record<string, string>>;
  readonly masks: readonly string[];
  /** The file-command files of this step, by variable name. */
  readonly files: Readonly<Record<string, string>>;
}

/** What the whole job saw. */
export interface JobRun {
  readonly main: StepRun;
  readonly post: StepRun | undefined;
  /** The job's variables after main, as the next step sees them. */
  readonly env: Readonly<Record<string, string>>;
  readonly dirs: { readonly job: string; readonly workspace: string; readonly temp: string };
  /** Runs the post step once more, as a re-run or a second cleanup would. */
  rerunPost(): Promise<StepRun>;
  /** Deletes the job's directories. */
  cleanup(): void;
}

interface ActionManifest {
  inputs?: Record<string, { default?: string }>;
  runs: { main: string; post?: string };
}

/** Parses GITHUB_ENV-style file commands (`name<<DELIM` heredocs and `name=value` lines). */
export function parseFileCommands(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name = '', delimiter] = heredoc;
      const end = lines.indexOf(delimiter ?? '', i + 1);
      result[name] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      result[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return result;
}

/** The values registered with `::add-mask::` in a step's stdout, unescaped as the runner does. */
export function maskedValues(stdout: string): string[] {
  return [...stdout.matchAll(/^::add-mask::(.*)$/gm)].map(([, value = '']) =>
    value.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'),
  );
}

/** What the runner would show for a step's stdout: commands consumed, masks applied, debug lines hidden. */
export function runnerLog(stdout: string, masks: readonly string[], debug = false): string {
  let log = stdout.replace(/^::add-mask::.*\n?/gm, '');
  if (!debug) log = log.replace(/^::debug::.*\n?/gm, '');
  log = log.replace(
    /^::(debug|warning|error)::(.*)$/gm,
    (_, kind: string, text: string) =>
      `${kind[0]?.toUpperCase()}${kind.slice(1)}: ${text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')}`,
  );
  for (const mask of [...masks].sort((a, b) => b.length - a.length)) log = log.split(mask).join('***');
  return log;
}

async function step(
  name: string,
  file: string,
  env: NodeJS.ProcessEnv,
  dirs: JobRun['dirs'],
): Promise<StepRun> {
  const files: Record<string, string> = {};
  for (const variable of [
    'GITHUB_ENV',
    'GITHUB_OUTPUT',
    'GITHUB_STATE',
    'GITHUB_PATH',
    'GITHUB_STEP_SUMMARY',
  ]) {
    files[variable] = join(dirs.job, 'file_commands', `${variable.toLowerCase()}_${name}`);
    writeFileSync(files[variable], '');
  }
  const result = await runProcess(process.execPath, [file], {
    env: { ...env, ...files },
    cwd: dirs.workspace,
  });
  const read = (variable: string) => parseFileCommands(readFileSync(files[variable] ?? '', 'utf8'));
  return {
    ...result,
    exported: read('GITHUB_ENV'),
    outputs: read('GITHUB_OUTPUT'),
    state: read('GITHUB_STATE'),
    masks: maskedValues(result.stdout),
    files,
  };
}

/** Runs an action's main and post steps, e.g. `await runAction(sandbox, { action: 'aws', inputs })`. */
export async function runAction(sandbox: Sandbox, run: ActionRun): Promise<JobRun> {
  const root = run.root ?? process.cwd();
  const actionDir = join(root, 'actions', run.action);
  const manifest = parse(readFileSync(join(actionDir, 'action.yml'), 'utf8')) as ActionManifest;
  const job = mkdtempSync(join(tmpdir(), 'keyless-job-'));
  const dirs = { job, workspace: join(job, 'workspace'), temp: join(job, 'runner_temp') };
  for (const dir of [dirs.workspace, dirs.temp, join(job, 'file_commands'), join(job, 'home')])
    mkdirSync(dir);
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(manifest.inputs ?? {})) {
    const value = run.inputs?.[name] ?? spec.default ?? '';
    inputs[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  }
  let jobEnv: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: join(job, 'home'),
    ...githubJobEnv(),
    GITHUB_WORKSPACE: dirs.workspace,
    RUNNER_TEMP: dirs.temp,
    ...(run.idToken === false
      ? {}
      : {
          ACTIONS_ID_TOKEN_REQUEST_URL: sandbox.oidc.requestUrl,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: sandbox.oidc.requestToken,
        }),
    ...run.env,
  };
  const main = await step('main', join(actionDir, manifest.runs.main), { ...jobEnv, ...inputs }, dirs);
  jobEnv = { ...jobEnv, ...main.exported };
  const state = Object.fromEntries(Object.entries(main.state).map(([k, v]) => [`STATE_${k}`, v]));
  const postFile = join(actionDir, manifest.runs.post ?? 'missing-post');
  const runPost = (name: string) => step(name, postFile, { ...jobEnv, ...inputs, ...state }, dirs);
  await run.between?.(jobEnv);
  const post = run.post !== false && manifest.runs.post ? await runPost('post') : undefined;
  return {
    main,
    post,
    env: jobEnv,
    dirs,
    rerunPost: () => runPost('post-again'),
    cleanup: () => rmSync(job, { recursive: true, force: true }),
  };
}
