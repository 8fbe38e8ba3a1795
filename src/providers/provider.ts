/**
 * The broker contract every provider implements: parse settings, exchange an OIDC token for a credential,
 * and (where the cloud allows it) revoke what was issued. Front doors combine a provider with an identity
 * source and a sink; none of them knows a provider's details.
 */
import type { CiContext } from '../ci/context.ts';
import type { Claims } from '../core/claims.ts';
import type { Credential, Ending } from '../core/credential.ts';
import type { SecretFiles } from '../core/files.ts';
import type { IdentitySource } from '../identity/source.ts';
import type { OptionSpec, OutputSpec, RawInputs } from '../options/spec.ts';

/** Where a provider's progress goes; every message is non-secret by construction. */
export interface Logger {
  info(message: string): void;
  debug(message: string): void;
  warning(message: string): void;
}

/** Everything an exchange may use besides its settings. */
export interface ExchangeContext {
  readonly identity: IdentitySource;
  readonly log: Logger;
  readonly files: SecretFiles;
  readonly ci: CiContext;
}

/** A provider's declaration: its options and outputs, and how to read settings from raw inputs. */
export interface ProviderSpec<Settings> {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly options: readonly OptionSpec[];
  readonly outputs: readonly OutputSpec[];
  /** Validates raw inputs (and the endpoint variables in `env`) into settings; throws ERR_INPUT_INVALID. */
  parse(raw: RawInputs, env: NodeJS.ProcessEnv, ci: CiContext): Settings;
}

/** A provider that can exchange a token: `exchange()` → a credential, nothing exported yet. */
export interface Broker<Settings> extends ProviderSpec<Settings> {
  exchange(settings: Settings, context: ExchangeContext): Promise<Credential>;
  /** The audience the settings ask the token to carry. */
  audience(settings: Settings): string;
  /** For `keyless doctor`: what the cloud will match the claims against, and the configuration that admits them. */
  explain?(settings: Settings, claims: Claims): readonly string[];
  /** For `keyless doctor`'s live check: the same settings with the shortest lifetime the cloud allows. */
  probe?(settings: Settings): Settings;
}

/** Ends what a provider issued, from the recorded Ending alone; loaded by post steps without the SDKs. */
export interface Revoker {
  revoke(ending: Ending, log: Logger): Promise<void>;
}
