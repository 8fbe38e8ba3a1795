/** Lets a front door see every token a source hands out, before anyone else does (to mask or redact it). */
import type { IdentitySource } from './source.ts';

/** The same source, calling `onToken` with each token it returns, e.g. `observingTokens(source, runner.mask)`. */
export function observingTokens(source: IdentitySource, onToken: (token: string) => void): IdentitySource {
  return {
    ...source,
    getToken: async (audience) => {
      const token = await source.getToken(audience);
      onToken(token);
      return token;
    },
  };
}
