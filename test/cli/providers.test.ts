/**
 * Every provider through the CLI's exec mode: the command gets the provider's variables, whatever it prints
 * of the credentials or of the files they point at is redacted, its exit status passes through, and when it
 * exits every file is gone (and what can be revoked is revoked).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AZURE_AUDIENCE, AZURE_CLIENT, AZURE_SUBSCRIPTION, AZURE_TENANT } from '../../sandbox/azure/seed.ts';
import { GCP_PROVIDER, GCP_SERVICE_ACCOUNT } from '../../sandbox/gcp/seed.ts';
import { findLeaks } from '../../sandbox/leaks.ts';
import { DEMO_ROLE, type Sandbox } from '../../sandbox/server.ts';
import { VAULT_AUDIENCE } from '../../sandbox/vault/seed.ts';
import { useSandbox } from '../support/job.ts';
import { type JenkinsBuild, jenkinsBuild, runCli, STEPS } from './support.ts';

const sandbox = useSandbox();
const builds: JenkinsBuild[] = [];
afterEach(() => {
  for (const build of builds.splice(0)) build.cleanup();
});

/** Each provider: its flags, the audience its token needs, extra job variables, and the variables to print. */
const PROVIDERS: readonly [
  string,
  (s: Sandbox) => string[],
  string,
  (s: Sandbox) => Record<string, string>,
  string,
][] = [
  [
    'aws',
    (s) => ['--role-to-assume', DEMO_ROLE, '--aws-region', 'eu-west-1', '--sts-endpoint', s.stsEndpoint],
    'sts.amazonaws.com',
    () => ({}),
    'AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY,AWS_SESSION_TOKEN',
  ],
  [
    'azure',
    () => ['--client-id', AZURE_CLIENT, '--tenant-id', AZURE_TENANT, '--subscription-id', AZURE_SUBSCRIPTION],
    AZURE_AUDIENCE,
    (s) => ({ AZURE_AUTHORITY_HOST: s.authorityHost, NODE_EXTRA_CA_CERTS: s.caFile }),
    'AZURE_CLIENT_ID,ARM_CLIENT_ID',
  ],
  [
    'gcp',
    () => ['--workload-identity-provider', GCP_PROVIDER, '--service-account', GCP_SERVICE_ACCOUNT],
    `https://iam.googleapis.com/${GCP_PROVIDER}`,
    (s) => ({ ...s.gcpEndpoints }),
    'GOOGLE_APPLICATION_CREDENTIALS',
  ],
  [
    'vault',
    (s) => [
      '--url',
      s.vaultUrl,
      '--role',
      'ci-reader',
      '--audience',
      VAULT_AUDIENCE,
      '--secrets',
      'kv1/ci/legacy api_key | API_KEY',
    ],
    VAULT_AUDIENCE,
    () => ({}),
    'API_KEY',
  ],
];

describe('keyless exec mode, every provider', () => {
  it.each(PROVIDERS)(
    '%s: redacts what the command prints, passes its status through, and leaves nothing',
    async (name, flags, audience, env, check) => {
      const build = jenkinsBuild();
      builds.push(build);
      const token = await sandbox().oidc.mint({ audience });
      const script = join(STEPS, 'careless.ts');
      const files = join(STEPS, 'print-files.ts');
      const command = [
        'sh',
        '-c',
        `"${process.execPath}" "${script}" && "${process.execPath}" "${files}" && exit 4`,
      ];
      const run = await runCli([name, ...flags(sandbox()), '--', ...command], {
        ...build.env,
        ...env(sandbox()),
        KEYLESS_ID_TOKEN: token,
        KEYLESS_CHECK: check,
      });
      expect(run.stderr).not.toMatch(/\[ERR_/);
      expect(run.code).toBe(4);
      expect(run.stdout).toContain('done\n');
      expect(findLeaks({ stdout: run.stdout, stderr: run.stderr }, sandbox().ledger.secrets)).toEqual([]);
      expect(readdirSync(build.temp)).toEqual([]);
    },
  );
});
