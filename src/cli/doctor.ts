/**
 * `keyless doctor`: the OIDC token's claims (never the token, only its SHA-256 fingerprint), what a
 * provider will match them against, and a live check of whether it admits them: the exchange is made with
 * the shortest lifetime the cloud allows and its credential ended at once; nothing is printed or exported.
 */
import type { CiContext } from '../ci/context.ts';
import { claimFacts, decodeClaims, fingerprint, secondsLeft } from '../core/claims.ts';
import { endingOf } from '../core/credential.ts';
import { asKeylessError } from '../core/errors.ts';
import { SecretFiles } from '../core/files.ts';
import type { IdentitySource } from '../identity/source.ts';
import type { Broker, Logger } from '../providers/provider.ts';
import { endHere } from './ending.ts';

/** What doctor needs: the token source, and optionally a provider with its parsed settings. */
export interface DoctorCase {
  readonly identity: IdentitySource;
  readonly provider?: {
    readonly name: string;
    readonly broker: Broker<unknown>;
    readonly settings: unknown;
    readonly audience: string;
  };
  readonly ci: CiContext;
  readonly print: (line: string) => void;
}

const quiet: Logger = { info: () => {}, debug: () => {}, warning: () => {} };

/** Runs the diagnosis; resolves with the exit status (1 when the provider refuses the token). */
export async function doctor({ identity, provider, ci, print }: DoctorCase): Promise<number> {
  const token = await identity.getToken(provider?.audience ?? '');
  const claims = decodeClaims(token);
  print(`OIDC token from ${identity.description} (${fingerprint(token)}), CI system: ${ci.system}`);
  for (const [name, value] of Object.entries(claimFacts(claims)))
    print(`  ${name.replace(/^token /, '').padEnd(20)} ${value}`);
  const left = secondsLeft(claims, new Date());
  print(
    `  ${'exp'.padEnd(20)} ${new Date(claims.exp * 1000).toISOString()} (${left >= 0 ? `${left} s left` : `expired ${-left} s ago`})`,
  );
  if (!provider) return 0;
  const { broker, settings, audience, name } = provider;
  print('');
  print(
    `${name}: audience ${JSON.stringify(audience)} ${claims.aud.includes(audience) ? 'is in' : 'is NOT in'} the token's aud`,
  );
  for (const line of broker.explain?.(settings, claims) ?? []) print(`  ${line}`);
  const files = new SecretFiles(ci.tempDir, ci.workspace);
  try {
    const credential = await broker.exchange(broker.probe?.(settings) ?? settings, {
      identity: { description: identity.description, getToken: async () => token },
      log: quiet,
      files,
      ci,
    });
    await endHere(endingOf(credential), quiet);
    print(`live check: ${name} admits this token (the credential it issued was ended at once).`);
    return 0;
  } catch (error) {
    files.removeAll();
    print(`live check: ${asKeylessError(error).oneLine()}`);
    return 1;
  }
}
