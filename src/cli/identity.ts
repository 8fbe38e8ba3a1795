/**
 * Where the CLI finds the OIDC token, in the contract's order: `--id-token-env`, `--id-token-file`, the
 * GitHub ID-token endpoint, `KEYLESS_<PROVIDER>_ID_TOKEN`, then `KEYLESS_ID_TOKEN`.
 */
import { KeylessError } from '../core/errors.ts';
import { githubIdentity, hasGitHubIdentity } from '../identity/github.ts';
import type { IdentitySource } from '../identity/source.ts';
import { envIdentity, fileIdentity } from '../identity/static.ts';

/** The token source for `provider`, e.g. `cliIdentity('aws', args, process.env)`. */
export function cliIdentity(
  provider: string | undefined,
  args: { readonly idTokenEnv: string | undefined; readonly idTokenFile: string | undefined },
  env: NodeJS.ProcessEnv,
): IdentitySource {
  if (args.idTokenEnv) return envIdentity(args.idTokenEnv, env);
  if (args.idTokenFile) return fileIdentity(args.idTokenFile);
  if (hasGitHubIdentity(env)) return githubIdentity(env);
  const own = provider ? `KEYLESS_${provider.toUpperCase()}_ID_TOKEN` : undefined;
  if (own && env[own]) return envIdentity(own, env);
  if (env.KEYLESS_ID_TOKEN) return envIdentity('KEYLESS_ID_TOKEN', env);
  throw new KeylessError('ERR_OIDC_PERMISSION', 'No OIDC token was handed to keyless.', {
    remedy:
      `Pass --id-token-env NAME or --id-token-file PATH, or set ${own ?? 'KEYLESS_<PROVIDER>_ID_TOKEN'} ` +
      '(GitLab: id_tokens; Jenkins: withCredentials with the OIDC Provider plugin; GitHub: permissions: id-token: write).',
  });
}
