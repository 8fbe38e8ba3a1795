/**
 * Microsoft Entra ID over TLS: the tenant's OpenID configuration and `POST /{tenant}/oauth2/v2.0/token` for
 * `client_credentials` with a `jwt-bearer` client assertion, verified against the assertion issuer's JWKS and
 * matched exactly (issuer, case-sensitive subject, audience) against the app's federated credentials, with
 * Entra's real error bodies; and a management-API stand-in that accepts only live tokens it issued.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { decodeJwt, errors } from 'jose';
import type { Faults } from '../faults.ts';
import { form, json, type SandboxModule, type SandboxRequest, type SandboxResponse } from '../http.ts';
import { IssuerKeys } from '../jwks.ts';
import type { Ledger } from '../ledger.ts';

/** A federated identity credential on an app registration. */
export interface FederatedCredential {
  readonly issuer: string;
  readonly subject: string;
  readonly audiences: readonly string[];
}

/** An app registration: its federated credentials and the subscriptions its service principal can read. */
export interface EntraApp {
  readonly tenantId: string;
  readonly federated: readonly FederatedCredential[];
  readonly subscriptions: readonly string[];
}

interface AccessToken {
  readonly expiresAt: number;
  readonly app: string;
  readonly tenantId: string;
}

/** Entra's error body. */
function aadError(status: number, error: string, code: number, description: string): SandboxResponse {
  const trace = randomUUID();
  const correlation = randomUUID();
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  return json(status, {
    error,
    error_description: `AADSTS${code}: ${description} Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${timestamp}`,
    error_codes: [code],
    timestamp,
    trace_id: trace,
    correlation_id: correlation,
    error_uri: `https://login.microsoftonline.com/error?code=${code}`,
  });
}

/** The Entra module and the management stand-in, served by the sandbox's TLS server. */
export class SandboxEntra implements SandboxModule {
  readonly prefix = '';
  readonly apps = new Map<string, EntraApp>();
  readonly tenants = new Set<string>();
  readonly #tokens = new Map<string, AccessToken>();
  readonly #keys = new IssuerKeys();
  readonly #origin: string;
  readonly #ledger: Ledger;
  readonly #faults: Faults;

  constructor(origin: string, ledger: Ledger, faults: Faults) {
    this.#origin = origin;
    this.#ledger = ledger;
    this.#faults = faults;
  }

  async handle(request: SandboxRequest): Promise<SandboxResponse> {
    const arm = /^\/arm\/subscriptions\/([\w-]+)$/.exec(request.path);
    if (arm) return this.#subscription(arm[1] ?? '', request);
    const [, tenant = '', rest = ''] = /^\/([\w.-]+)(\/.*)$/.exec(request.path) ?? [];
    if (!this.tenants.has(tenant)) {
      return aadError(
        400,
        'invalid_request',
        90002,
        `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
      );
    }
    if (rest === '/v2.0/.well-known/openid-configuration') return this.#discovery(tenant);
    if (rest === '/oauth2/v2.0/token' && request.method === 'POST')
      return this.#token(tenant, form(request.body));
    return json(404, { error: 'not_found' });
  }

  #discovery(tenant: string): SandboxResponse {
    const base = `${this.#origin}/${tenant}`;
    return json(200, {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${base}/v2.0`,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      end_session_endpoint: `${base}/oauth2/v2.0/logout`,
      tenant_region_scope: 'EU',
      cloud_instance_name: 'microsoftonline.com',
    });
  }

  async #token(tenant: string, body: Record<string, string>): Promise<SandboxResponse> {
    const fault = this.#faults.take('entra.token');
    if (fault) {
      const code = Number(/\d+/.exec(fault.code ?? '')?.[0] ?? 0);
      return code
        ? aadError(
            fault.status,
            fault.status === 401 ? 'invalid_client' : 'invalid_request',
            code,
            fault.message ?? 'Injected failure.',
          )
        : json(fault.status, { error: 'temporarily_unavailable' });
    }
    const clientId = body.client_id ?? '';
    if (body.grant_type !== 'client_credentials')
      return aadError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    const app = this.apps.get(clientId);
    if (!app || app.tenantId !== tenant) {
      return aadError(
        400,
        'unauthorized_client',
        700016,
        `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
      );
    }
    if (
      body.client_assertion_type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' ||
      !body.client_assertion
    ) {
      return aadError(
        401,
        'invalid_client',
        7000218,
        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
      );
    }
    if (app.federated.length === 0)
      return aadError(
        400,
        'invalid_client',
        70025,
        `The client '${clientId}'(keyless) has no configured federated identity credentials.`,
      );
    const rejection = await this.#checkAssertion(body.client_assertion, app);
    if (rejection) return rejection;
    const token = this.#ledger.issue(
      `eyJ0eXAiOiJKV1Qi.${randomBytes(96).toString('base64url')}.${randomBytes(48).toString('base64url')}`,
    );
    this.#tokens.set(token, { expiresAt: Date.now() + 3599_000, app: clientId, tenantId: tenant });
    return json(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
  }

  async #checkAssertion(assertion: string, app: EntraApp): Promise<SandboxResponse | undefined> {
    let claims: { iss?: string; sub?: string; aud?: string | string[] };
    try {
      claims = decodeJwt(assertion);
    } catch {
      return aadError(400, 'invalid_request', 50027, 'JWT token is invalid or malformed.');
    }
    const issuer = claims.iss ?? '';
    try {
      await this.#keys.verify(assertion, issuer);
    } catch (error) {
      if (error instanceof errors.JWTExpired) {
        const exp = new Date(Number(decodeJwt(assertion).exp) * 1000).toISOString();
        return aadError(
          401,
          'invalid_client',
          700024,
          `Client assertion is not within its valid time range. Current time: ${new Date().toISOString()}, expiry time of assertion ${exp}.`,
        );
      }
      return aadError(401, 'invalid_client', 700027, 'Client assertion failed signature validation.');
    }
    return matchFederated(claims, app);
  }

  #subscription(id: string, request: SandboxRequest): SandboxResponse {
    const token = String(request.headers.authorization ?? '').replace(/^Bearer /, '');
    const found = this.#tokens.get(token);
    if (!found || found.expiresAt <= Date.now()) {
      return json(401, {
        error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' },
      });
    }
    if (!this.apps.get(found.app)?.subscriptions.includes(id)) {
      return json(403, {
        error: {
          code: 'AuthorizationFailed',
          message: `The client '${found.app}' does not have authorization to perform action 'Microsoft.Resources/subscriptions/read' over scope '/subscriptions/${id}'.`,
        },
      });
    }
    return json(200, {
      id: `/subscriptions/${id}`,
      subscriptionId: id,
      tenantId: found.tenantId,
      displayName: 'keyless sandbox',
      state: 'Enabled',
    });
  }
}

/** Entra's federated-credential match: issuer, then subject (case-sensitively), then audience. */
function matchFederated(
  claims: { iss?: string; sub?: string; aud?: string | string[] },
  app: EntraApp,
): SandboxResponse | undefined {
  const { iss = '', sub = '' } = claims;
  const audiences = [claims.aud ?? []].flat();
  const byIssuer = app.federated.filter((credential) => credential.issuer === iss);
  if (byIssuer.length === 0) {
    return aadError(
      401,
      'invalid_client',
      700211,
      `No matching federated identity record found for presented assertion issuer '${iss}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
    );
  }
  const bySubject = byIssuer.filter((credential) => credential.subject === sub);
  if (bySubject.length === 0) {
    const caseOnly = byIssuer.some((credential) => credential.subject.toLowerCase() === sub.toLowerCase());
    return caseOnly
      ? aadError(
          401,
          'invalid_client',
          7002138,
          `No matching federated identity record found for presented assertion subject '${sub}'. The subject matches with case-insensitive comparison, but not with case-sensitive comparison.`,
        )
      : aadError(
          401,
          'invalid_client',
          700213,
          `No matching federated identity record found for presented assertion subject '${sub}'. Check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
        );
  }
  if (!bySubject.some((credential) => credential.audiences.some((aud) => audiences.includes(aud)))) {
    return aadError(
      401,
      'invalid_client',
      700212,
      `No matching federated identity record found for presented assertion audience '${audiences.join(',')}'. Please check your federated identity credential Subject, Audience and Issuer against the presented assertion.`,
    );
  }
  return undefined;
}
