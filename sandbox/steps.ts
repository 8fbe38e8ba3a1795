/** Runs a later job step (a script under sandbox/steps) with a given environment, as a runner would. */
import { join } from 'node:path';
import { type Finished, runProcess } from './process.ts';

/** Runs `sandbox/steps/<script>` with exactly `env`. */
export function runStep(script: string, env: Record<string, string>): Promise<Finished> {
  return runProcess(process.execPath, [join(import.meta.dirname, 'steps', script)], { env });
}
