/**
 * `npm run demo`: the whole lifecycle against the local sandbox, offline, for AWS and Vault. It runs the
 * committed action bundles as a GitHub runner would, lets a later step use what was exported, runs the post
 * step, shows what is still valid afterwards, and scans everything for the secrets that were issued.
 */

import { AZURE_CLIENT, AZURE_SUBSCRIPTION, AZURE_TENANT } from './azure/seed.ts';
import { GCP_PROVIDER, GCP_SERVICE_ACCOUNT } from './gcp/seed.ts';
import { encodings, findLeaks } from './leaks.ts';
import { type JobRun, runAction, runnerLog } from './runner.ts';
import { DEMO_ROLE, type Sandbox, startSandbox } from './server.ts';
import { runStep } from './steps.ts';
import { VAULT_AUDIENCE } from './vault/seed.ts';

const say = (stage: string, text: string) => console.log(`  ${stage.padEnd(10)} ${text}`);
const indent = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => `             | ${line}`)
    .join('\n');

function showMain(run: JobRun, bundle: string): void {
  say('main', `${bundle} exited ${run.main.code}; the job log shows:`);
  console.log(indent(runnerLog(run.main.stdout, run.main.masks)));
  if (run.main.code !== 0) throw new Error('the main step failed');
  say('masked', `${run.main.masks.length} values registered with ::add-mask:: before anything was exported`);
  say('exported', Object.keys(run.main.exported).join(', '));
}

async function aws(sandbox: Sandbox): Promise<JobRun> {
  console.log('\nAWS: actions/aws (STS AssumeRoleWithWebIdentity)');
  let who = '';
  const run = await runAction(sandbox, {
    action: 'aws',
    inputs: { 'role-to-assume': DEMO_ROLE, 'aws-region': 'us-east-1', 'sts-endpoint': sandbox.stsEndpoint },
    between: async (env) => {
      const step = await runStep('aws-whoami.ts', { ...env, AWS_ENDPOINT_URL_STS: sandbox.stsEndpoint });
      who = (JSON.parse(step.stdout) as { arn: string }).arn;
    },
  });
  showMain(run, 'actions/aws/dist/main.cjs');
  say('used', `a later step's AWS SDK called GetCallerIdentity with only those variables: ${who}`);
  say('ended', `actions/aws/dist/post.cjs exited ${run.post?.code}: ${run.post?.stdout.trim()}`);
  say(
    '',
    `STS sessions cannot be revoked one by one: this one is short-lived (${run.main.outputs['aws-expiration']})`,
  );
  return run;
}

async function azure(sandbox: Sandbox): Promise<JobRun> {
  console.log('\nAzure: actions/azure (Entra ID federated credential over TLS, no az CLI)');
  let used = '';
  const tls = { AZURE_AUTHORITY_HOST: sandbox.authorityHost, NODE_EXTRA_CA_CERTS: sandbox.caFile };
  const run = await runAction(sandbox, {
    action: 'azure',
    env: tls,
    inputs: { 'client-id': AZURE_CLIENT, 'tenant-id': AZURE_TENANT, 'subscription-id': AZURE_SUBSCRIPTION },
    between: async (env) => {
      const step = await runStep('azure-use.ts', { ...env, KEYLESS_ARM: sandbox.armEndpoint });
      used = `HTTP ${(JSON.parse(step.stdout) as { status: number }).status}`;
    },
  });
  showMain(run, 'actions/azure/dist/main.cjs');
  say(
    'used',
    `a later step's WorkloadIdentityCredential read only those variables and got the subscription: ${used}`,
  );
  say('ended', `actions/azure/dist/post.cjs exited ${run.post?.code}: ${run.post?.stdout.trim()}`);
  return run;
}

async function gcp(sandbox: Sandbox): Promise<JobRun> {
  console.log('\nGCP: actions/gcp (Workload Identity Federation, impersonating a service account)');
  let used = '';
  const run = await runAction(sandbox, {
    action: 'gcp',
    env: sandbox.gcpEndpoints,
    inputs: { 'workload-identity-provider': GCP_PROVIDER, 'service-account': GCP_SERVICE_ACCOUNT },
    between: async (env) => {
      const step = await runStep('gcp-use.ts', { ...env, KEYLESS_GCS: `${sandbox.origin}/gcp/storage/v1` });
      used = `HTTP ${(JSON.parse(step.stdout) as { status: number }).status}`;
    },
  });
  showMain(run, 'actions/gcp/dist/main.cjs');
  say(
    'used',
    `a later step's google-auth-library, given only GOOGLE_APPLICATION_CREDENTIALS, read a bucket: ${used}`,
  );
  say('ended', `actions/gcp/dist/post.cjs exited ${run.post?.code}: ${run.post?.stdout.trim()}`);
  return run;
}

async function vault(sandbox: Sandbox): Promise<JobRun> {
  console.log('\nVault: actions/vault (JWT login, a KV secret, a dynamic database credential)');
  let used = '';
  const run = await runAction(sandbox, {
    action: 'vault',
    inputs: {
      url: sandbox.vaultUrl,
      role: 'ci-reader',
      audience: VAULT_AUDIENCE,
      secrets: 'secret/data/ci/app password | APP_PASSWORD ; database/creds/readonly * | DB_',
    },
    between: async (env) => {
      const step = await runStep('vault-use.ts', {
        ...env,
        KEYLESS_CHECK: 'APP_PASSWORD,DB_USERNAME,DB_PASSWORD',
      });
      const { hashes } = JSON.parse(step.stdout) as { hashes: Record<string, string | null> };
      used = Object.entries(hashes)
        .map(([name, hash]) => `${name} (sha256 ${hash?.slice(0, 12)}…)`)
        .join(', ');
    },
  });
  showMain(run, 'actions/vault/dist/main.cjs');
  say('used', `a later step read ${used}`);
  say('ended', `actions/vault/dist/post.cjs exited ${run.post?.code}:`);
  console.log(indent(runnerLog(run.post?.stdout ?? '', [])));
  const [token = ''] = sandbox.vault.store.tokens.keys();
  const [lease = ''] = sandbox.vault.store.leases.keys();
  const lookup = await fetch(`${sandbox.vaultUrl}/v1/auth/token/lookup-self`, {
    headers: { 'x-vault-token': token },
  });
  say(
    'after',
    `lookup-self with the job's token: HTTP ${lookup.status}; database lease alive: ${sandbox.vault.store.leaseAlive(lease)}`,
  );
  return run;
}

const sandbox = await startSandbox();
try {
  console.log(
    'keyless demo: the credential lifecycle against the local sandbox (loopback only, no cloud account)',
  );
  console.log(
    `  sandbox    OIDC issuer ${sandbox.oidc.issuer}, STS ${sandbox.stsEndpoint}, Vault ${sandbox.vaultUrl}`,
  );
  const runs = [await aws(sandbox), await azure(sandbox), await gcp(sandbox), await vault(sandbox)];
  const sources: Record<string, string> = {};
  for (const [i, run] of runs.entries()) {
    sources[`main ${i}`] = run.main.stdout.replace(/^::add-mask::.*$/gm, '');
    sources[`post ${i}`] = run.post?.stdout ?? '';
  }
  const secrets = sandbox.ledger.secrets;
  const found = findLeaks(sources, secrets);
  const forms = secrets.reduce((sum, secret) => sum + encodings(secret).length, 0);
  console.log(
    `\nleak scan: ${secrets.length} issued secrets in ${forms} encoded forms searched in every log: ${found.length === 0 ? 'none found' : found.join('; ')}`,
  );
  for (const run of runs) run.cleanup();
  if (found.length > 0) process.exitCode = 1;
} catch (error) {
  console.error(`demo failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await sandbox.close();
}
