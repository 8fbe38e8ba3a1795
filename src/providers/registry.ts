/**
 * Every provider, by name: the one list the action generator, the CLI and the GitLab templates read.
 * Entry points that need a single provider import it directly, so each bundle carries one SDK only.
 */
import { aws } from './aws/index.ts';
import { azure } from './azure/index.ts';
import { gcp } from './gcp/index.ts';
import type { Broker } from './provider.ts';
import { vault } from './vault/index.ts';

/** The providers keyless ships, keyed by the name users type (`keyless aws`, `actions/aws`). */
export const PROVIDERS: Readonly<Record<string, Broker<unknown>>> = {
  aws: aws as Broker<unknown>,
  azure: azure as Broker<unknown>,
  gcp: gcp as Broker<unknown>,
  vault: vault as Broker<unknown>,
};
