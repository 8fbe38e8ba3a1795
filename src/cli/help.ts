/** The CLI's help: the commands, and each provider's flags from its option declaration. */
import type { ProviderSpec } from '../providers/provider.ts';

const GENERAL = `keyless: exchange this CI job's OIDC token for short-lived credentials, and end them when done.

usage:
  keyless <provider> [--<input> VALUE]... -- COMMAND [ARGS...]   run COMMAND with the credentials (output redacted)
  keyless <provider> [--<input> VALUE]... --format shell|dotenv|json|credential-process [--output FILE] [--state FILE]
  keyless revoke --state FILE                                     end what --state recorded (idempotent)
  keyless doctor [<provider> [--<input> VALUE]...]                show the token's claims and what the provider matches
  keyless <provider> --help | --version

the OIDC token: --id-token-env NAME, --id-token-file PATH; otherwise the GitHub ID-token endpoint,
KEYLESS_<PROVIDER>_ID_TOKEN, then KEYLESS_ID_TOKEN.
`;

/** The help text: general, or one provider's flags. */
export function help(
  provider: string | undefined,
  providers: Readonly<Record<string, ProviderSpec<unknown>>>,
): string {
  const spec = provider ? providers[provider] : undefined;
  if (!spec) return `${GENERAL}\nproviders: ${Object.keys(providers).join(', ')}\n`;
  const flags = spec.options.map((o) => {
    const extra = [o.required ? 'required' : '', o.default ? `default ${o.default}` : '']
      .filter(Boolean)
      .join(', ');
    return `  --${o.name.padEnd(26)} ${o.description}${extra ? ` (${extra})` : ''}`;
  });
  return `keyless ${spec.name}: ${spec.description}\n\nflags:\n${flags.join('\n')}\n\n${GENERAL}`;
}
