/**
 * The local sandbox: one HTTP server on loopback that speaks each cloud's real wire protocol, started by
 * the demo, the tests and the benchmark. Each emulated service is one module under its own path prefix.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { AwsSts } from './aws/sts.ts';
import { SandboxEntra } from './azure/entra.ts';
import { seedEntra } from './azure/seed.ts';
import { type Fault, Faults } from './faults.ts';
import { seedGcp } from './gcp/seed.ts';
import { SandboxGcp } from './gcp/server.ts';
import { json, readBody, type SandboxModule, type SandboxResponse, write } from './http.ts';
import { Ledger } from './ledger.ts';
import { GITHUB_JOB, OidcIssuer } from './oidc.ts';
import { seedVault } from './vault/seed.ts';
import { SandboxVault } from './vault/server.ts';

/** The demo role: trusts pushes of the sandbox's repository. */
export const DEMO_ROLE = 'arn:aws:iam::111122223333:role/keyless-demo';
/** A role whose trust policy admits another repository only. */
export const LOCKED_ROLE = 'arn:aws:iam::111122223333:role/keyless-locked';
/** A role that trusts the Jenkins job `deploy` (a Jenkins OIDC token's sub is the job URL). */
export const JENKINS_ROLE = 'arn:aws:iam::111122223333:role/keyless-jenkins';
/** The sub of the sandbox's Jenkins job, as the OIDC Provider plugin forms it. */
export const JENKINS_SUB = 'https://jenkins.example.com/job/deploy/';
/** A role that trusts the GitLab project keyless-dev/deploy (a GitLab ID token's sub names the project and ref). */
export const GITLAB_ROLE = 'arn:aws:iam::111122223333:role/keyless-gitlab';
/** The sub of the sandbox's GitLab job, as GitLab forms it by default. */
export const GITLAB_SUB = 'project_path:keyless-dev/deploy:ref_type:branch:ref:main';
/** A role in a second account, for allowed-account-ids. */
export const PARTNER_ROLE = 'arn:aws:iam::444455556666:role/keyless-partner';

/** A running sandbox. */
export interface Sandbox {
  readonly origin: string;
  readonly oidc: OidcIssuer;
  readonly aws: AwsSts;
  readonly faults: Faults;
  readonly ledger: Ledger;
  /** The STS endpoint, for `sts-endpoint` or AWS_ENDPOINT_URL_STS. */
  readonly stsEndpoint: string;
  readonly vault: SandboxVault;
  /** The Vault address, for `url` or VAULT_ADDR. */
  readonly vaultUrl: string;
  /** The same Vault over TLS, signed by the sandbox CA (see caFile). */
  readonly vaultTlsUrl: string;
  readonly entra: SandboxEntra;
  /** The Entra authority, over TLS: for AZURE_AUTHORITY_HOST. */
  readonly authorityHost: string;
  /** The management-API stand-in, over TLS. */
  readonly armEndpoint: string;
  /** The PEM file of the sandbox's CA, for NODE_EXTRA_CA_CERTS. */
  readonly caFile: string;
  readonly gcp: SandboxGcp;
  /** GHA_ENDPOINT_OVERRIDE_sts and GHA_ENDPOINT_OVERRIDE_iamcredentials, pointing at the sandbox. */
  readonly gcpEndpoints: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

async function control(path: string, body: string, faults: Faults, url: URL): Promise<SandboxResponse> {
  if (path === '/faults') {
    const { endpoint, times, ...fault } = JSON.parse(body) as Fault & { endpoint: string; times?: number };
    faults.inject(endpoint, fault, times ?? 1);
    return json(200, { ok: true });
  }
  if (path === '/calls') return json(200, { calls: faults.calls(url.searchParams.get('endpoint') ?? '') });
  if (path === '/reset') {
    faults.reset();
    return json(200, { ok: true });
  }
  return json(404, { message: 'unknown control endpoint' });
}

function listen(server: Server, port: number, scheme: string): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve(`${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
}

/** Routes requests to the modules mounted on one listener (and the control endpoints). */
function router(modules: readonly SandboxModule[], faults: Faults) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = await readBody(req);
      if (url.pathname.startsWith('/_sandbox/'))
        return write(res, await control(url.pathname.slice(9), body, faults, url));
      const module = modules.find(
        (m) => m.prefix === '' || url.pathname === m.prefix || url.pathname.startsWith(`${m.prefix}/`),
      );
      if (!module) return write(res, json(404, { message: 'no such service' }));
      const path = url.pathname.slice(module.prefix.length) || '/';
      write(res, await module.handle({ method: req.method ?? 'GET', url, path, headers: req.headers, body }));
    } catch (error) {
      write(res, json(500, { message: `sandbox error: ${(error as Error).message}` }));
    }
  };
}

/** A CA and a server certificate for 127.0.0.1 and localhost, made afresh at every start. */
async function certificates(): Promise<{ ca: string; key: string; cert: string }> {
  const ca = await generate([{ name: 'commonName', value: 'keyless sandbox CA' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { ca: ca.cert, key: server.private, cert: server.cert };
}

/** Starts the sandbox on loopback, e.g. `const sandbox = await startSandbox(); … await sandbox.close()`. */
export async function startSandbox(port = 0): Promise<Sandbox> {
  const faults = new Faults();
  const ledger = new Ledger();
  const modules: SandboxModule[] = [];
  const server = createServer(router(modules, faults));
  server.keepAliveTimeout = 1000;
  const origin = await listen(server, port, 'http');
  const tlsModules: SandboxModule[] = [];
  const pems = await certificates();
  const tls = createTlsServer({ key: pems.key, cert: pems.cert }, router(tlsModules, faults));
  tls.keepAliveTimeout = 1000;
  const tlsOrigin = await listen(tls, 0, 'https');
  const dir = mkdtempSync(join(tmpdir(), 'keyless-sandbox-'));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, pems.ca);
  const oidc = await OidcIssuer.create(origin, ledger, faults);
  const aws = new AwsSts(ledger, faults);
  aws.providers.push({ url: oidc.issuer, audiences: ['sts.amazonaws.com'] });
  const subject = `repo:${GITHUB_JOB.repository}:*`;
  aws.addRole({ arn: DEMO_ROLE, audience: 'sts.amazonaws.com', subject });
  aws.addRole({
    arn: LOCKED_ROLE,
    audience: 'sts.amazonaws.com',
    subject: 'repo:keyless-dev/infrastructure:ref:refs/heads/main',
  });
  aws.addRole({ arn: PARTNER_ROLE, audience: 'sts.amazonaws.com', subject });
  aws.addRole({ arn: JENKINS_ROLE, audience: 'sts.amazonaws.com', subject: JENKINS_SUB });
  aws.addRole({
    arn: GITLAB_ROLE,
    audience: 'sts.amazonaws.com',
    subject: 'project_path:keyless-dev/deploy:ref_type:branch:ref:*',
  });
  const vault = new SandboxVault(ledger, faults);
  seedVault(vault, oidc.issuer, ledger);
  const gcp = new SandboxGcp(ledger, faults);
  seedGcp(gcp, oidc.issuer);
  modules.push(oidc, aws, vault, gcp);
  const entra = new SandboxEntra(tlsOrigin, ledger, faults);
  seedEntra(entra, oidc.issuer);
  // Vault answers over TLS too (before Entra, which takes every other path), for ca-certificate.
  tlsModules.push(vault, entra);
  return {
    origin,
    oidc,
    aws,
    faults,
    ledger,
    stsEndpoint: `${origin}/aws`,
    vault,
    vaultUrl: `${origin}/vault`,
    vaultTlsUrl: `${tlsOrigin}/vault`,
    entra,
    authorityHost: tlsOrigin,
    armEndpoint: `${tlsOrigin}/arm`,
    caFile,
    gcp,
    gcpEndpoints: {
      GHA_ENDPOINT_OVERRIDE_sts: `${origin}/gcp/sts/v1`,
      GHA_ENDPOINT_OVERRIDE_iamcredentials: `${origin}/gcp/iamcredentials/v1`,
    },
    close: async () => {
      for (const listener of [server, tls]) {
        listener.closeAllConnections();
        await new Promise<void>((resolve) => listener.close(() => resolve()));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
