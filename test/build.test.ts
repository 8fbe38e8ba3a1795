/**
 * What GitHub runs is the committed bundles, not the sources: they must equal a fresh build, run with no
 * node_modules, and carry exactly the contract's names.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { BUNDLES, buildAll } from '../scripts/build.ts';
import { generatedFiles } from '../scripts/generate.ts';

const ROOT = join(import.meta.dirname, '..');
let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'keyless-build-'));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the committed bundles', () => {
  it('equal a fresh build of the sources (run `npm run build` and commit when this fails)', async () => {
    await buildAll(scratch);
    for (const bundle of BUNDLES) {
      const fresh = readFileSync(join(scratch, bundle.out));
      const committed = readFileSync(join(ROOT, bundle.out));
      expect(committed.equals(fresh), `${bundle.out} is stale`).toBe(true);
    }
  });

  it('are generated files that match the option declarations (run `npm run generate` when this fails)', () => {
    for (const [path, content] of Object.entries(generatedFiles())) {
      expect(readFileSync(join(ROOT, path), 'utf8'), `${path} is stale`).toBe(content);
    }
  });

  it('stay within the 1 MB budget', () => {
    for (const bundle of BUNDLES)
      expect(statSync(join(ROOT, bundle.out)).size).toBeLessThanOrEqual(1_000_000);
  });

  it.each(BUNDLES.map((bundle) => bundle.out))('%s runs with no node_modules anywhere above it', (out) => {
    const dir = mkdtempSync(join(scratch, 'iso-'));
    const file = join(dir, 'bundle.cjs');
    copyFileSync(join(ROOT, out), file);
    const cli = out.startsWith('cli/');
    const args = cli
      ? [file, 'vault', '--url', 'http://127.0.0.1:9/', '--audience', 'x', '--format', 'json']
      : [file];
    const result = spawnSync(process.execPath, args, {
      env: { PATH: process.env.PATH },
      cwd: dir,
      encoding: 'utf8',
    });
    if (cli) {
      // Runs, reaches the token lookup and reports the missing token on one line: every module loaded.
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(
        /^keyless: No OIDC token was handed to keyless\. \[ERR_OIDC_PERMISSION\] Fix: .*\n$/,
      );
    } else if (out.endsWith('main.cjs')) {
      expect(result.stderr).toBe('');
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(/^::error::Input [a-z-]+ is required.*\[ERR_INPUT_INVALID\]/);
    } else {
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout).toContain('Nothing to end');
    }
  });
});

describe('actions/aws/action.yml', () => {
  const manifest = parse(readFileSync(join(ROOT, 'actions/aws/action.yml'), 'utf8'));

  it('runs the committed bundles on node24 with an always-run post step', () => {
    expect(manifest.runs).toEqual({
      using: 'node24',
      main: 'dist/main.cjs',
      post: 'dist/post.cjs',
      'post-if': 'always()',
    });
  });

  it('has exactly the input and output names of the contract (and of configure-aws-credentials)', () => {
    expect(Object.keys(manifest.inputs)).toEqual([
      'role-to-assume',
      'aws-region',
      'role-session-name',
      'role-duration-seconds',
      'audience',
      'inline-session-policy',
      'managed-session-policies',
      'mask-aws-account-id',
      'allowed-account-ids',
      'output-credentials',
      'sts-endpoint',
    ]);
    expect(manifest.inputs['role-to-assume'].required).toBe(true);
    expect(manifest.inputs['aws-region'].required).toBe(true);
    expect(manifest.inputs['role-duration-seconds'].default).toBe('3600');
    expect(manifest.inputs.audience.default).toBe('sts.amazonaws.com');
    expect(manifest.inputs['output-credentials'].default).toBe('false');
    expect(Object.keys(manifest.outputs)).toEqual([
      'aws-account-id',
      'authenticated-arn',
      'aws-expiration',
      'aws-access-key-id',
      'aws-secret-access-key',
      'aws-session-token',
    ]);
  });
});
