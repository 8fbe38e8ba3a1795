/** The CLI's logger: everything on stderr (stdout belongs to the credentials or the child), debug on request. */
import type { Logger } from '../providers/provider.ts';

/** A stderr logger, e.g. `stderrLogger(false).info('…')`. */
export function stderrLogger(debug: boolean): Logger {
  const write = (text: string) => process.stderr.write(`keyless: ${text.replace(/[\r\n]+/g, ' ')}\n`);
  return {
    info: write,
    debug: (message) => debug && write(`debug: ${message}`),
    warning: (message) => write(`warning: ${message}`),
  };
}
