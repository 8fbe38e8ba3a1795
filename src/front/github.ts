/**
 * The GitHub Actions front door: inputs → settings → GitHub ID token → broker → runner sink, and the post
 * step that ends what main recorded. Each action's entry point is one call to runMain or runPost.
 */
import { detectCi } from '../ci/context.ts';
import { asKeylessError } from '../core/errors.ts';
import { SecretFiles } from '../core/files.ts';
import { githubIdentity } from '../identity/github.ts';
import { observingTokens } from '../identity/observe.ts';
import { end, parseEnding } from '../lifecycle/end.ts';
import { readInputs } from '../options/spec.ts';
import type { Broker, Revoker } from '../providers/provider.ts';
import { ENDING_STATE, handOver } from '../sinks/github/handover.ts';
import { Runner } from '../sinks/github/runner.ts';

function stdoutRunner(env: NodeJS.ProcessEnv): Runner {
  return new Runner(env, (text) => process.stdout.write(text));
}

/** The main step: validate, exchange, hand over; on failure one error, exit status 1 and nothing left behind. */
export async function runMain<Settings>(broker: Broker<Settings>, env = process.env): Promise<void> {
  const runner = stdoutRunner(env);
  let files: SecretFiles | undefined;
  try {
    const ci = detectCi(env);
    const settings = broker.parse(
      readInputs(broker.options, (name) => runner.input(name)),
      env,
      ci,
    );
    const onRetry = (attempt: number, delayMs: number) =>
      runner.log.info(`The ID-token request failed (attempt ${attempt}); retrying in ${delayMs} ms.`);
    const identity = observingTokens(githubIdentity(env, { onRetry }), (token) => runner.mask(token));
    files = new SecretFiles(ci.tempDir, ci.workspace);
    const credential = await broker.exchange(settings, { identity, log: runner.log, files, ci });
    handOver(runner, credential);
  } catch (error) {
    files?.removeAll();
    runner.error(asKeylessError(error).report());
    process.exitCode = 1;
  }
}

/** The post step: end what main recorded. Idempotent, and it never fails the job. */
export async function runPost(revoker?: Revoker, env = process.env): Promise<void> {
  const runner = stdoutRunner(env);
  const raw = runner.state(ENDING_STATE);
  const ending = raw ? parseEnding(raw) : undefined;
  if (!ending) {
    runner.log.info('Nothing to end: the main step handed over no credential.');
    return;
  }
  try {
    const report = await end(ending, {
      env,
      clear: (name) => runner.exportVariable(name, ''),
      log: runner.log,
      ...(revoker ? { revoker } : {}),
    });
    runner.log.info(
      `Ended the ${ending.provider} credential: cleared ${report.cleared.length} variable(s), ` +
        `deleted ${report.deleted.length} file(s).`,
    );
  } catch (error) {
    runner.log.warning(`Could not end the credential: ${asKeylessError(error).message}`);
  }
}
