/** The sandbox Vault's configuration: JWT mounts trusting the sandbox issuer, roles, policies and secrets. */
import { randomBytes } from 'node:crypto';
import type { Ledger } from '../ledger.ts';
import { GITHUB_JOB } from '../oidc.ts';
import type { SandboxVault } from './server.ts';

/** The audience the sandbox's Vault roles are bound to. */
export const VAULT_AUDIENCE = 'https://vault.keyless.test';

/** Roles: `ci-reader` admits the sandbox's job; `ci-batch` issues batch tokens; `ci-locked` admits another repo. */
export function seedVault(vault: SandboxVault, issuer: string, ledger: Ledger): void {
  vault.mounts.set('jwt', issuer);
  vault.mounts.set('jwt/github', issuer);
  const reader = {
    boundAudiences: [VAULT_AUDIENCE],
    boundClaims: { sub: `repo:${GITHUB_JOB.repository}:*` },
    userClaim: 'sub',
    policies: ['ci-read'],
    ttlSeconds: 600,
    tokenType: 'service' as const,
  };
  vault.addRole('ci-reader', reader);
  vault.addRole('ci-batch', { ...reader, tokenType: 'batch' });
  vault.addRole('ci-locked', { ...reader, boundClaims: { sub: 'repo:keyless-dev/infrastructure:*' } });
  vault.addRole('jenkins-reader', { ...reader, boundClaims: { sub: 'https://jenkins.example.com/job/*' } });
  vault.addRole('gitlab-reader', {
    ...reader,
    boundClaims: { sub: 'project_path:keyless-dev/deploy:*', ref_protected: 'true' },
  });
  vault.store.policies.set('ci-read', ['secret/data/ci/*', 'kv1/ci/*', 'database/creds/*']);
  const secret = (bytes = 18) => ledger.issue(`${randomBytes(bytes).toString('base64url')}9z`);
  const pem = ledger.issue(
    `-----BEGIN PRIVATE KEY-----\n${randomBytes(48).toString('base64')}\n${randomBytes(48).toString('base64')}\n-----END PRIVATE KEY-----`,
  );
  vault.store.kv2.set('ci/app', {
    username: 'app-user',
    password: secret(),
    'api.key': secret(),
    'private-key': pem,
    config: { region: 'eu-west-1', retries: 3 },
  });
  vault.store.kv2.set('admin/root', { password: secret() });
  vault.store.kv1.set('ci/legacy', { api_key: secret() });
}
