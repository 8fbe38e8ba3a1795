/**
 * `npm run bench`: the median time from process start to exported credentials (the moment the last variable
 * lands in GITHUB_ENV, or the CLI's output file) for each action's main bundle and the CLI against the
 * sandbox, beside the median of a bare `node -e 0` measured in the same run, and the bundle sizes; each
 * against its budget. A benchmark, not a test: it exits 1 when a budget is missed.
 */
import { spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  watch,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { AZURE_CLIENT, AZURE_SUBSCRIPTION, AZURE_TENANT } from '../sandbox/azure/seed.ts';
import { GCP_PROVIDER, GCP_SERVICE_ACCOUNT } from '../sandbox/gcp/seed.ts';
import { githubJobEnv } from '../sandbox/oidc.ts';
import { DEMO_ROLE, type Sandbox, startSandbox } from '../sandbox/server.ts';
import { VAULT_AUDIENCE } from '../sandbox/vault/seed.ts';
import { BUNDLES } from '../scripts/build.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const SIZE_BUDGET = 1_000_000;

/** Each benchmarked run: what it runs, its inputs, and its budget as a multiple of another case's median. */
interface Case {
  readonly name: string;
  /** The arguments after `node`. */
  readonly args: (sandbox: Sandbox, dir: string) => string[];
  readonly inputs: (sandbox: Sandbox) => Record<string, string>;
  readonly budget: { readonly of: string; readonly ratio: number };
  /** The last variable the run exports: its credentials have landed once it is written. */
  readonly marker: string;
}

const awsInputs = (sandbox: Sandbox) => ({
  'role-to-assume': DEMO_ROLE,
  'aws-region': 'us-east-1',
  'sts-endpoint': sandbox.stsEndpoint,
});
const vaultInputs = (sandbox: Sandbox) => ({
  url: sandbox.vaultUrl,
  role: 'ci-reader',
  audience: VAULT_AUDIENCE,
  secrets: 'secret/data/ci/app password | APP_PASSWORD ; database/creds/readonly * | DB_',
});
const azureInputs = () => ({
  'client-id': AZURE_CLIENT,
  'tenant-id': AZURE_TENANT,
  'subscription-id': AZURE_SUBSCRIPTION,
});

/** The CLI given the same inputs as flags, writing JSON to a file (the token still comes from the runner). */
const cli =
  (provider: string, inputs: (sandbox: Sandbox) => Record<string, string>) =>
  (sandbox: Sandbox, dir: string) => [
    'cli/keyless.cjs',
    provider,
    ...Object.entries(inputs(sandbox)).flatMap(([name, value]) => [`--${name}`, value]),
    '--format',
    'json',
    '--output',
    join(dir, 'credentials.json'),
  ];

const CASES: readonly Case[] = [
  {
    name: 'aws main',
    marker: 'AWS_SESSION_TOKEN',
    args: () => ['actions/aws/dist/main.cjs'],
    inputs: awsInputs,
    budget: { of: 'node -e 0', ratio: 2.0 },
  },
  {
    name: 'vault main',
    marker: 'VAULT_ADDR',
    args: () => ['actions/vault/dist/main.cjs'],
    inputs: vaultInputs,
    budget: { of: 'node -e 0', ratio: 2.0 },
  },
  {
    name: 'gcp main',
    marker: 'GCP_PROJECT',
    args: () => ['actions/gcp/dist/main.cjs'],
    inputs: () => ({ 'workload-identity-provider': GCP_PROVIDER, 'service-account': GCP_SERVICE_ACCOUNT }),
    budget: { of: 'node -e 0', ratio: 2.0 },
  },
  {
    name: 'azure main',
    marker: 'ARM_SUBSCRIPTION_ID',
    args: () => ['actions/azure/dist/main.cjs'],
    inputs: azureInputs,
    budget: { of: 'node -e 0', ratio: 2.5 },
  },
  {
    name: 'aws cli',
    marker: 'AWS_SESSION_TOKEN',
    args: cli('aws', awsInputs),
    inputs: () => ({}),
    budget: { of: 'aws main', ratio: 1.2 },
  },
  {
    name: 'vault cli',
    marker: 'VAULT_ADDR',
    args: cli('vault', vaultInputs),
    inputs: () => ({}),
    budget: { of: 'vault main', ratio: 1.2 },
  },
];

/** Where a run's credentials land, and the text that says they all have: the last variable exported. */
interface Landing {
  readonly file: string;
  readonly marker: string;
}

/**
 * Runs `node ARGS` and resolves with the milliseconds from spawn to the moment its credentials were exported
 * (the landing file holds the marker), or to its exit when there is no landing (bare Node).
 */
function timed(args: string[], env: NodeJS.ProcessEnv, landing?: Landing): Promise<number> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    let landed: number | undefined;
    const watcher = landing
      ? watch(dirname(landing.file), () => {
          if (
            landed === undefined &&
            existsSync(landing.file) &&
            readFileSync(landing.file, 'utf8').includes(landing.marker)
          ) {
            landed = Number(process.hrtime.bigint() - start) / 1e6;
          }
        })
      : undefined;
    const child = spawn(process.execPath, args, { env, stdio: 'ignore' });
    child.on('error', reject);
    child.on('exit', (code) => {
      watcher?.close();
      const exited = Number(process.hrtime.bigint() - start) / 1e6;
      if (code !== 0) reject(new Error(`${args.join(' ')} exited ${code}`));
      else if (landing && landed === undefined)
        reject(new Error(`${args.join(' ')} exported no ${landing.marker}`));
      else resolve(landed ?? exited);
    });
  });
}

function jobEnv(sandbox: Sandbox, dir: string, inputs: Record<string, string>): NodeJS.ProcessEnv {
  mkdirSync(join(dir, 'temp'), { recursive: true });
  const files: Record<string, string> = {};
  for (const name of ['GITHUB_ENV', 'GITHUB_OUTPUT', 'GITHUB_STATE']) {
    files[name] = join(dir, name);
    writeFileSync(files[name], '');
  }
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    ...githubJobEnv(),
    ...files,
    RUNNER_TEMP: join(dir, 'temp'),
    GITHUB_WORKSPACE: join(dir, 'workspace'),
    ACTIONS_ID_TOKEN_REQUEST_URL: sandbox.oidc.requestUrl,
    ACTIONS_ID_TOKEN_REQUEST_TOKEN: sandbox.oidc.requestToken,
    ...sandbox.gcpEndpoints,
    AZURE_AUTHORITY_HOST: sandbox.authorityHost,
    NODE_EXTRA_CA_CERTS: sandbox.caFile,
  };
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
  return env;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};

const sandbox = await startSandbox();
const scratch = mkdtempSync(join(tmpdir(), 'keyless-bench-'));
let missed = false;
try {
  console.log(
    `keyless bench: ${RUNS} runs each, Node ${process.version}, medians from process start to exported credentials (bare Node: to exit)\n`,
  );
  const samples: Record<string, number[]> = { 'node -e 0': [] };
  for (const c of CASES) samples[c.name] = [];
  for (let i = -2; i < RUNS; i++) {
    const bare = await timed(['-e', '0'], { PATH: process.env.PATH });
    if (i >= 0) samples['node -e 0']?.push(bare);
    for (const c of CASES) {
      const dir = join(scratch, `${c.name}-${i}`);
      const cli = c.args(sandbox, dir)[0]?.startsWith('cli/');
      const landing = { file: join(dir, cli ? 'credentials.json' : 'GITHUB_ENV'), marker: c.marker };
      const ms = await timed(c.args(sandbox, dir), jobEnv(sandbox, dir, c.inputs(sandbox)), landing);
      if (i >= 0) samples[c.name]?.push(ms);
    }
  }
  const bare = median(samples['node -e 0'] ?? []);
  console.log(`${'node -e 0'.padEnd(12)} ${bare.toFixed(1).padStart(7)} ms`);
  for (const c of CASES) {
    const ms = median(samples[c.name] ?? []);
    const ratio = ms / median(samples[c.budget.of] ?? []);
    const ok = ratio <= c.budget.ratio;
    missed ||= !ok;
    const budget = `budget ${c.budget.ratio.toFixed(1)}x ${c.budget.of}: ${ok ? 'ok' : 'MISSED'}`;
    console.log(
      `${c.name.padEnd(12)} ${ms.toFixed(1).padStart(7)} ms  ${(ms / bare).toFixed(2)}x bare Node, ${ratio.toFixed(2)}x ${c.budget.of}  (${budget})`,
    );
  }
  console.log('');
  for (const bundle of BUNDLES) {
    const size = statSync(bundle.out).size;
    const ok = size <= SIZE_BUDGET;
    missed ||= !ok;
    console.log(
      `${bundle.out.padEnd(28)} ${(size / 1024).toFixed(1).padStart(7)} KiB  (budget ${SIZE_BUDGET / 1e6} MB: ${ok ? 'ok' : 'MISSED'})`,
    );
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
  await sandbox.close();
}
if (missed) process.exitCode = 1;
