/**
 * The `keyless` CLI's commands, for Jenkins, GitLab and any shell: the same providers as the actions, with
 * exec mode, output formats, state files, `revoke` and `doctor`.
 */
import { detectCi } from '../ci/context.ts';
import { readInputs } from '../options/spec.ts';
import { PROVIDERS } from '../providers/registry.ts';
import { parseArgs } from './args.ts';
import { doctor } from './doctor.ts';
import { exchangeCommand, revokeCommand } from './exchange.ts';
import { help } from './help.ts';
import { cliIdentity } from './identity.ts';
import { stderrLogger } from './log.ts';

/** Runs one command line; resolves with the exit status, throws a KeylessError for a one-line report. */
export async function run(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const args = parseArgs(argv, PROVIDERS);
  const log = stderrLogger(args.debug || env.KEYLESS_DEBUG === '1' || env.RUNNER_DEBUG === '1');
  switch (args.command) {
    case 'help':
      process.stdout.write(help(args.provider, PROVIDERS));
      return 0;
    case 'revoke':
      return revokeCommand(args, log);
    case 'doctor': {
      const ci = detectCi(env);
      const broker = args.provider ? PROVIDERS[args.provider] : undefined;
      const settings = broker?.parse(
        readInputs(broker.options, (name) => args.inputs[name] ?? ''),
        env,
        ci,
      );
      const provider =
        broker && args.provider
          ? { name: args.provider, broker, settings, audience: broker.audience(settings) }
          : undefined;
      const identity = cliIdentity(args.provider, args, env);
      return doctor({
        identity,
        ci,
        print: (line) => process.stdout.write(`${line}\n`),
        ...(provider ? { provider } : {}),
      });
    }
    default:
      return exchangeCommand(args, env, log);
  }
}
