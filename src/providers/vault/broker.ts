/**
 * The Vault exchange: OIDC token → JWT login → the requested reads, all before anything is handed over.
 * A failure after login revokes the new token at once, so a failed step leaves nothing alive.
 */
import { decodeClaims, fingerprint } from '../../core/claims.ts';
import type { Credential } from '../../core/credential.ts';
import { KeylessError } from '../../core/errors.ts';
import { withRetry } from '../../core/retry.ts';
import type { ExchangeContext, Logger } from '../provider.ts';
import type { VaultLogin, VaultRead, VaultWire } from './client.ts';
import { explainLogin } from './explain.ts';
import { secretData, select } from './secrets.ts';
import type { VaultSettings } from './settings.ts';

function retrying(log: Logger, what: string) {
  return (attempt: number, delayMs: number, error: KeylessError) =>
    log.info(`Vault ${what}: ${error.message} (attempt ${attempt}); retrying in ${delayMs} ms.`);
}

function readRefused(error: unknown, path: string, login: VaultLogin): unknown {
  if (!(error instanceof KeylessError) || error.transient || error.code === 'ERR_UNAVAILABLE') return error;
  const denied = /permission denied/.test(error.facts['Vault error'] ?? '');
  const bare = path.replace(/\?.*$/, '');
  const [mount = '', ...rest] = bare.split('/');
  const kv2 =
    rest[0] === 'data'
      ? ''
      : ` If it is a KV v2 secret, its API path includes data/: ${mount}/data/${rest.join('/')}.`;
  return error.with('ERR_REQUEST_REJECTED', `Vault refused to read ${path}.`, {
    facts: { 'token policies': login.policies.join(', ') },
    remedy: denied
      ? `Grant read on it to one of the token's policies: path "${bare}" { capabilities = ["read"] }.${kv2}`
      : `Check that a secret exists at ${bare}.${kv2}`,
  });
}

/** Reads every distinct path once, all at once, then picks the requested values in the order asked. */
async function readAll(settings: VaultSettings, login: VaultLogin, wire: VaultWire, log: Logger) {
  const paths = [...new Set(settings.secrets.map((request) => request.path))];
  const reads = await Promise.allSettled(
    paths.map((path) =>
      withRetry(() => wire.read(path, login.token), undefined, undefined, retrying(log, `read of ${path}`)),
    ),
  );
  const byPath = new Map<string, VaultRead>();
  for (const [i, read] of reads.entries()) {
    const path = paths[i] ?? '';
    if (read.status === 'rejected') throw readRefused(read.reason, path, login);
    byPath.set(path, read.value);
  }
  const values: Record<string, string> = {};
  for (const request of settings.secrets) {
    const data = secretData(byPath.get(request.path)?.data ?? {});
    for (const [name, value] of Object.entries(select(request, data))) {
      if (name in values) {
        throw new KeylessError('ERR_INPUT_INVALID', `Input secrets exports two secrets as ${name}.`, {
          remedy: 'Give one of them another name with | NAME (with *, | PREFIX_ prefixes every key).',
        });
      }
      values[name] = value;
    }
  }
  const leases = [...byPath.values()].flatMap((read) => (read.leaseId ? [read.leaseId] : []));
  return { values, leases };
}

function credentialOf(
  settings: VaultSettings,
  login: VaultLogin,
  values: Record<string, string>,
  tokenFile: string | undefined,
): Credential {
  const expiresAt = new Date(Date.now() + login.leaseSeconds * 1000);
  const addr = {
    VAULT_ADDR: settings.url.href.replace(/\/$/, ''),
    ...(settings.namespace ? { VAULT_NAMESPACE: settings.namespace } : {}),
  };
  return {
    provider: 'vault',
    secrets: [login.token, ...Object.values(values)],
    env: {
      ...(settings.exportEnv ? values : {}),
      ...addr,
      ...(settings.exportToken ? { VAULT_TOKEN: login.token } : {}),
    },
    outputs: { ...values, ...(settings.outputToken ? { 'vault-token': login.token } : {}) },
    files: tokenFile ? [tokenFile] : [],
    expiresAt,
    revoke: {
      url: settings.url.href,
      tokenType: login.tokenType,
      expiresAt: expiresAt.toISOString(),
      ...(tokenFile ? { tokenFile } : {}),
      ...(settings.namespace ? { namespace: settings.namespace } : {}),
      ...(settings.ca ? { ca: settings.ca } : {}),
    },
    summary: [],
  };
}

/** Exchanges the job's OIDC token for a Vault token and the requested secrets, e.g. `await exchangeVault(s, ctx, wire)`. */
export async function exchangeVault(
  settings: VaultSettings,
  context: ExchangeContext,
  wire: VaultWire,
): Promise<Credential> {
  const jwt = await context.identity.getToken(settings.audience);
  const claims = decodeClaims(jwt);
  context.log.debug(`OIDC token claims: ${JSON.stringify(claims)}`);
  context.log.debug(
    `Vault login URL: ${new URL(`v1/auth/${settings.mount}/login`, settings.url.href.replace(/\/?$/, '/')).href}`,
  );
  context.log.info(
    `OIDC token from ${context.identity.description}: sub=${JSON.stringify(claims.sub)} aud=${JSON.stringify(settings.audience)} (${fingerprint(jwt)}).`,
  );
  const login = await withRetry(
    () => wire.login(settings.mount, settings.role, jwt),
    undefined,
    undefined,
    retrying(context.log, 'login'),
  ).catch((error: unknown) => {
    throw explainLogin(error, claims, settings);
  });
  try {
    const { values, leases } = await readAll(settings, login, wire, context.log);
    const tokenFile =
      login.tokenType === 'service' ? context.files.write('vault-token', login.token) : undefined;
    const credential = credentialOf(settings, login, values, tokenFile);
    const ttl = `${login.leaseSeconds} s`;
    const ending =
      login.tokenType === 'batch'
        ? 'a batch token, which Vault cannot revoke: it expires on its own'
        : 'revoked at job end, with its leases';
    return {
      ...credential,
      summary: [
        `Logged in to Vault as role ${JSON.stringify(settings.role ?? '(default)')} (policies ${login.policies.join(', ')}; ${ttl}; ${ending}).`,
        `Read ${Object.keys(values).length} secret(s) from ${new Set(settings.secrets.map((s) => s.path)).size} path(s); ${leases.length} dynamic lease(s).`,
      ],
    };
  } catch (error) {
    await wire
      .revokeSelf(login.token)
      .catch(() => context.log.warning('Could not revoke the Vault token after the failure.'));
    throw error;
  }
}
