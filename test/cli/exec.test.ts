/**
 * `keyless <provider> … -- COMMAND`, in an emulated Jenkins build: the credentials exist only in COMMAND's
 * environment, its output is redacted, its exit status and signals pass through, and when it ends the
 * credentials are ended (Vault token and lease dead, files gone).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findLeaks } from '../../sandbox/leaks.ts';

import { VAULT_AUDIENCE } from '../../sandbox/vault/seed.ts';
import { useSandbox } from '../support/job.ts';
import { awsFlags, bindFile, node20, runCli, STEPS, useJenkinsBuilds, vaultFlags } from './support.ts';

const sandbox = useSandbox();
const build = useJenkinsBuilds(sandbox);

const node = (script: string) => [process.execPath, join(STEPS, script)];

describe('keyless exec mode (Jenkins)', () => {
  it('runs the command with AWS credentials in its environment only, named after the build', async () => {
    const b = await build('sts.amazonaws.com');
    const run = await runCli(['aws', ...awsFlags(sandbox()), '--', ...node('aws-whoami.ts')], {
      ...b.env,
      KEYLESS_AWS_ID_TOKEN: b.token,
      AWS_ENDPOINT_URL_STS: sandbox().stsEndpoint,
    });
    expect(run.stderr).toMatch(
      /^keyless: OIDC token from the variable KEYLESS_AWS_ID_TOKEN: sub="https:\/\/jenkins\.example\.com\/job\/deploy\/"/,
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).arn).toBe(
      'arn:aws:sts::111122223333:assumed-role/keyless-jenkins/jenkins-deploy-42',
    );
    expect(findLeaks({ stdout: run.stdout, stderr: run.stderr }, sandbox().ledger.secrets)).toEqual([]);
  });

  it('redacts every credential the command prints, raw, split, encoded or on stderr, and neutralises workflow commands', async () => {
    const b = await build('sts.amazonaws.com');
    const run = await runCli(['aws', ...awsFlags(sandbox()), '--', ...node('careless.ts')], {
      ...b.env,
      KEYLESS_AWS_ID_TOKEN: b.token,
      KEYLESS_CHECK: 'AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY,AWS_SESSION_TOKEN',
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('AWS_SECRET_ACCESS_KEY=***\n');
    expect(run.stdout).toContain('split: *** end\n');
    expect(run.stdout).toContain('base64: ***\n');
    expect(run.stdout).toContain('url: ***\n');
    expect(run.stdout).toContain('{"AWS_SESSION_TOKEN":"***"}');
    expect(run.stderr).toContain('stderr AWS_ACCESS_KEY_ID: ***\n');
    expect(run.stdout).toContain(': :add-mask::nothing\n: :set-output name=x::y\ndone\n');
    expect(findLeaks({ stdout: run.stdout, stderr: run.stderr }, sandbox().ledger.secrets)).toEqual([]);
  });

  it("passes the command's exit status through", async () => {
    const b = await build('sts.amazonaws.com');
    const run = await runCli(['aws', ...awsFlags(sandbox()), '--', ...node('careless.ts')], {
      ...b.env,
      KEYLESS_AWS_ID_TOKEN: b.token,
      KEYLESS_EXIT: '7',
    });
    expect(run.code).toBe(7);
  });

  it('revokes the Vault token and its leases when the command exits, and leaves no file', async () => {
    const b = await build(VAULT_AUDIENCE);
    const tokenFile = bindFile(b, b.token);
    const before = new Set(sandbox().vault.store.tokens.keys());
    const run = await runCli(
      [
        'vault',
        ...vaultFlags(sandbox()),
        '--secrets',
        'secret/data/ci/app password | APP_PASSWORD; database/creds/readonly * | DB_',
        '--id-token-file',
        tokenFile,
        '--',
        ...node('careless.ts'),
      ],
      { ...b.env, KEYLESS_CHECK: 'APP_PASSWORD,DB_PASSWORD' },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('APP_PASSWORD=***\n');
    expect(run.stderr).toContain('keyless: Revoked the Vault token and every lease it created.');
    const tokens = [...sandbox().vault.store.tokens.keys()].filter((t) => !before.has(t));
    expect(tokens).toHaveLength(1);
    expect(sandbox().vault.store.live(tokens[0])).toBeUndefined();
    const leases = [...sandbox().vault.store.leases.values()].filter((lease) => lease.owner === tokens[0]);
    expect(leases.map((lease) => sandbox().vault.store.leaseAlive(lease.id))).toEqual([false]);
    expect(readdirSync(b.temp)).toEqual(['secretFiles-id-token']);
    expect(findLeaks({ stdout: run.stdout, stderr: run.stderr }, sandbox().ledger.secrets)).toEqual([]);
  });

  it('passes SIGTERM to the command, exits 128+15, ends the credentials, and never puts one on a command line', async () => {
    const b = await build(VAULT_AUDIENCE);
    const before = new Set(sandbox().vault.store.tokens.keys());
    let cmdlines = '';
    let signalled = false;
    const run = await runCli(
      [
        'vault',
        ...vaultFlags(sandbox()),
        '--',
        process.execPath,
        '-e',
        'console.log("ready"); setInterval(() => {}, 1000)',
      ],
      { ...b.env, KEYLESS_VAULT_ID_TOKEN: b.token },
      (stdout, pid) => {
        if (signalled || !stdout.includes('ready')) return;
        signalled = true;
        for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
          try {
            cmdlines += `${readFileSync(`/proc/${entry}/cmdline`, 'utf8')}\n`;
          } catch {
            // the process ended meanwhile
          }
        }
        process.kill(pid, 'SIGTERM');
      },
    );
    expect(signalled).toBe(true);
    expect(run.code).toBe(143);
    const tokens = [...sandbox().vault.store.tokens.keys()].filter((t) => !before.has(t));
    expect(tokens.map((t) => sandbox().vault.store.live(t))).toEqual([undefined]);
    expect(cmdlines).toContain('setInterval');
    expect(findLeaks({ cmdlines }, sandbox().ledger.secrets)).toEqual([]);
    expect(readdirSync(b.temp)).toEqual([]);
  });

  it.skipIf(!node20())('runs on Node 20, the oldest Node it supports, without warnings', async () => {
    const b = await build('sts.amazonaws.com');
    const node = node20() ?? '';
    const run = await runCli(
      ['aws', ...awsFlags(sandbox()), '--', node, '-e', 'console.log(process.version)'],
      { ...b.env, KEYLESS_AWS_ID_TOKEN: b.token },
      undefined,
      node,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^v20\./);
    expect(run.stderr).not.toMatch(/warning/i);
  });
});
