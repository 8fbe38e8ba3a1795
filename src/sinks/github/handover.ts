/**
 * Hands a credential to the job through the runner, in the only safe order: mask every secret (each line
 * of it) first, record what the post step must end, then export variables and set outputs.
 */
import { type Credential, endingOf, maskForms } from '../../core/credential.ts';
import type { Runner } from './runner.ts';

/** The state key under which the main step records its Ending for the post step. */
export const ENDING_STATE = 'keyless-ending';

/** Masks, records, exports and outputs a credential, e.g. `handOver(runner, credential)`. */
export function handOver(runner: Runner, credential: Credential): void {
  for (const secret of credential.secrets) for (const form of maskForms(secret)) runner.mask(form);
  runner.saveState(ENDING_STATE, JSON.stringify(endingOf(credential)));
  for (const [name, value] of Object.entries(credential.env)) runner.exportVariable(name, value);
  for (const [name, value] of Object.entries(credential.outputs)) runner.setOutput(name, value);
  for (const line of credential.summary) runner.log.info(line);
}
