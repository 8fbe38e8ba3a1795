/**
 * Ends a credential where there is no job environment to clear (exec mode, `keyless revoke`, `doctor`):
 * revoke what the provider can revoke and delete the recorded files.
 */
import type { Ending } from '../core/credential.ts';
import { type EndReport, end } from '../lifecycle/end.ts';
import type { Logger } from '../providers/provider.ts';
import { REVOKERS } from '../providers/revokers.ts';

/** Ends what `ending` records, e.g. `await endHere(endingOf(credential), log)`. */
export function endHere(ending: Ending, log: Logger): Promise<EndReport> {
  const revoker = REVOKERS[ending.provider];
  return end(ending, { env: {}, clear: () => {}, log, ...(revoker ? { revoker } : {}) });
}
