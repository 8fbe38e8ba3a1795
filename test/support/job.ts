/** Shared helpers for tests that run the committed bundles against the sandbox. */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { filesBelow, findLeaks } from '../../sandbox/leaks.ts';
import type { JobRun } from '../../sandbox/runner.ts';
import { type Sandbox, startSandbox } from '../../sandbox/server.ts';

/** Starts one sandbox for the test file and resets its faults before each test. */
export function useSandbox(): () => Sandbox {
  let sandbox: Sandbox | undefined;
  beforeAll(async () => {
    sandbox = await startSandbox();
  });
  afterAll(async () => {
    await sandbox?.close();
  });
  beforeEach(() => sandbox?.faults.reset());
  return () => {
    if (!sandbox) throw new Error('the sandbox is not running');
    return sandbox;
  };
}

/** Debug mode as the runner enables it (ACTIONS_STEP_DEBUG secret and RUNNER_DEBUG). */
export const DEBUG_ENV = { ACTIONS_STEP_DEBUG: 'true', RUNNER_DEBUG: '1' };

/**
 * Everything a job printed or wrote that must hold no secret: stdout (less the `::add-mask::` commands the
 * runner consumes), stderr, outputs (unless credentials were asked for), state, post's exports, and every
 * file in the workspace and RUNNER_TEMP. Only main's GITHUB_ENV holds credentials, by design.
 */
export function leakSources(run: JobRun, options: { allowOutputs?: boolean } = {}): Record<string, string> {
  const sources: Record<string, string> = {};
  for (const [name, step] of Object.entries({ main: run.main, post: run.post })) {
    if (!step) continue;
    sources[`${name} stdout`] = step.stdout.replace(/^::add-mask::.*$/gm, '');
    sources[`${name} stderr`] = step.stderr;
    sources[`${name} state`] = JSON.stringify(step.state);
    if (!options.allowOutputs) sources[`${name} outputs`] = JSON.stringify(step.outputs);
    if (name === 'post') sources['post exports'] = JSON.stringify(step.exported);
  }
  Object.assign(sources, filesBelow(run.dirs.workspace), filesBelow(run.dirs.temp));
  return sources;
}

/** The leaks of every secret the sandbox issued, in every form; [] when the job leaked nothing. */
export function leaks(run: JobRun, sandbox: Sandbox, options: { allowOutputs?: boolean } = {}): string[] {
  return findLeaks(leakSources(run, options), sandbox.ledger.secrets);
}

/** The annotation text of a step's `::error::` commands, unescaped. */
export function errors(stdout: string): string[] {
  return [...stdout.matchAll(/^::error::(.*)$/gm)].map(([, text = '']) =>
    text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%'),
  );
}

/**
 * Asserts that a main step failed closed: exit status 1, exactly one error annotation, nothing exported,
 * output or saved for post, no file left in RUNNER_TEMP or the workspace, no secret anywhere. Returns the error.
 */
export function expectFailedClosed(run: JobRun, sandbox: Sandbox): string {
  expect(run.main.code).toBe(1);
  const reported = errors(run.main.stdout);
  expect(reported).toHaveLength(1);
  expect(run.main.exported).toEqual({});
  expect(run.main.outputs).toEqual({});
  expect(run.main.state).toEqual({});
  expect(readdirSync(run.dirs.temp)).toEqual([]);
  expect(readdirSync(run.dirs.workspace)).toEqual([]);
  expect(leaks(run, sandbox)).toEqual([]);
  return reported[0] ?? '';
}
