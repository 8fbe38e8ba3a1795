/**
 * `keyless <provider> …` and `keyless revoke`: validate, check the mode, exchange, then either run the
 * command with the credentials and end them when it exits, or print/write them and record what to end.
 */
import { isAbsolute, relative, resolve } from 'node:path';
import { detectCi } from '../ci/context.ts';
import { endingOf } from '../core/credential.ts';
import { KeylessError } from '../core/errors.ts';
import { removeFile, SecretFiles } from '../core/files.ts';
import { observingTokens } from '../identity/observe.ts';
import { readState, removeState, writePrivateFile, writeState } from '../lifecycle/state.ts';
import { readInputs } from '../options/spec.ts';
import type { Logger } from '../providers/provider.ts';
import { PROVIDERS } from '../providers/registry.ts';
import { execWithCredentials } from '../sinks/exec/run.ts';
import { render } from '../sinks/formats.ts';
import type { CliArgs } from './args.ts';
import { endHere } from './ending.ts';
import { cliIdentity } from './identity.ts';

function checkMode(args: CliArgs, workspace: string | undefined): void {
  const usage = (message: string, remedy: string) =>
    new KeylessError('ERR_INPUT_INVALID', message, { remedy });
  if (args.exec.length === 0 && !args.format) {
    throw usage(
      'Say what to do with the credentials.',
      'Run a command with them (… -- COMMAND ARGS, the safest), or print them with --format shell|dotenv|json.',
    );
  }
  if (args.exec.length > 0 && (args.format || args.output || args.state)) {
    throw usage(
      '-- COMMAND cannot be combined with --format, --output or --state.',
      'Exec mode ends the credentials itself when COMMAND exits; drop the other flags.',
    );
  }
  if (args.output && workspace) {
    const rel = relative(resolve(workspace), resolve(args.output));
    if (!rel.startsWith('..') && !isAbsolute(rel)) {
      throw usage(
        `--output ${args.output} lies inside the workspace, where a secret can be committed or uploaded.`,
        'Write it under $RUNNER_TEMP, $WORKSPACE_TMP or $TMPDIR instead.',
      );
    }
  }
}

/** `keyless <provider> …`; resolves with the exit status. */
export async function exchangeCommand(args: CliArgs, env: NodeJS.ProcessEnv, log: Logger): Promise<number> {
  const name = args.provider ?? '';
  const broker = PROVIDERS[name];
  if (!broker) throw new KeylessError('ERR_INPUT_INVALID', `Unknown provider ${JSON.stringify(name)}.`);
  const ci = detectCi(env);
  checkMode(args, ci.workspace);
  const settings = broker.parse(
    readInputs(broker.options, (input) => args.inputs[input] ?? ''),
    env,
    ci,
  );
  // Every OIDC token fetched is redacted too: a command could print the token file Azure or GCP read.
  const tokens: string[] = [];
  const identity = observingTokens(cliIdentity(name, args, env), (token) => tokens.push(token));
  if (env.CI_DEBUG_TRACE === 'true')
    log.warning('CI_DEBUG_TRACE is on: GitLab prints every variable of the job, credentials included.');
  const files = new SecretFiles(ci.tempDir, ci.workspace);
  const interrupted = () => {
    files.removeAll();
    process.exit(130);
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  const credential = await broker.exchange(settings, { identity, log, files, ci }).catch((error: unknown) => {
    files.removeAll();
    throw error;
  });
  process.off('SIGINT', interrupted).off('SIGTERM', interrupted);
  const ending = endingOf(credential);
  if (args.exec.length > 0) {
    const code = await execWithCredentials(args.exec, { ...env, ...credential.env }, [
      ...credential.secrets,
      ...tokens,
    ]);
    await endHere(ending, log);
    return code;
  }
  if (args.state) {
    writeState(args.state, ending);
  } else if (ending.revoke || ending.files.length > 0) {
    for (const path of ending.files) removeFile(path);
    log.warning(
      `Without --state FILE nothing will end this ${name} credential; it stays valid until ${credential.expiresAt?.toISOString() ?? 'it expires'}.`,
    );
  }
  const text = render(args.format ?? 'shell', credential);
  if (args.output) writePrivateFile(args.output, text, false);
  else process.stdout.write(text);
  return 0;
}

/** `keyless revoke --state FILE`: idempotent; keeps the file (exit 1) when revocation failed, to retry. */
export async function revokeCommand(args: CliArgs, log: Logger): Promise<number> {
  if (!args.state)
    throw new KeylessError('ERR_INPUT_INVALID', 'keyless revoke needs --state FILE.', {
      remedy: 'Pass the file given to --state.',
    });
  const ending = readState(args.state);
  if (!ending) {
    log.info(`Nothing to end: ${args.state} is gone (already ended).`);
    return 0;
  }
  const report = await endHere(ending, log);
  if (report.failed.length > 0) return 1;
  removeState(args.state);
  log.info(`Ended the ${ending.provider} credential: deleted ${report.deleted.length} file(s).`);
  return 0;
}
