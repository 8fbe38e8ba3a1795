import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseFileCommands } from '../../sandbox/runner.ts';
import type { Credential } from '../../src/core/credential.ts';
import { ENDING_STATE, handOver } from '../../src/sinks/github/handover.ts';
import { Runner } from '../../src/sinks/github/runner.ts';

let dir: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyless-sink-'));
  env = {};
  for (const name of ['GITHUB_ENV', 'GITHUB_OUTPUT', 'GITHUB_STATE']) {
    env[name] = join(dir, name);
    writeFileSync(join(dir, name), '');
  }
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const read = (name: string) => parseFileCommands(readFileSync(join(dir, name), 'utf8'));

/** A runner that records the order of everything it is asked to do. */
class RecordingRunner extends Runner {
  readonly calls: string[] = [];
  override mask(value: string) {
    this.calls.push(`mask ${value}`);
    super.mask(value);
  }
  override saveState(name: string, value: string) {
    this.calls.push(`state ${name}`);
    super.saveState(name, value);
  }
  override exportVariable(name: string, value: string) {
    this.calls.push(`export ${name}`);
    super.exportVariable(name, value);
  }
  override setOutput(name: string, value: string) {
    this.calls.push(`output ${name}`);
    super.setOutput(name, value);
  }
}

const CREDENTIAL: Credential = {
  provider: 'test',
  secrets: ['s3cr3t-value', '-----BEGIN KEY-----\nline-one-of-key\n}\n-----END KEY-----'],
  env: { TOKEN: 's3cr3t-value', MULTI: 'a\nb' },
  outputs: { who: 'me' },
  files: ['/tmp/keyless-x'],
  expiresAt: undefined,
  summary: ['Done.'],
};

describe('the GitHub sink', () => {
  it('masks every secret and each significant line before recording, exporting or outputting', () => {
    const stdout: string[] = [];
    const runner = new RecordingRunner(env, (text) => stdout.push(text));
    handOver(runner, CREDENTIAL);
    const firstOther = runner.calls.findIndex((call) => !call.startsWith('mask '));
    expect(runner.calls.slice(0, firstOther)).toEqual([
      'mask s3cr3t-value',
      'mask -----BEGIN KEY-----\nline-one-of-key\n}\n-----END KEY-----',
      'mask -----BEGIN KEY-----',
      'mask line-one-of-key',
      'mask -----END KEY-----',
    ]);
    expect(runner.calls.slice(firstOther)).toEqual([
      `state ${ENDING_STATE}`,
      'export TOKEN',
      'export MULTI',
      'output who',
    ]);
    expect(stdout.join('')).toContain(
      '::add-mask::-----BEGIN KEY-----%0Aline-one-of-key%0A}%0A-----END KEY-----\n',
    );
    expect(read('GITHUB_ENV')).toEqual({ TOKEN: 's3cr3t-value', MULTI: 'a\nb' });
    expect(read('GITHUB_OUTPUT')).toEqual({ who: 'me' });
  });

  it('records an Ending with fingerprints, never the values', () => {
    handOver(new Runner(env, () => {}), CREDENTIAL);
    const state = readFileSync(join(dir, 'GITHUB_STATE'), 'utf8');
    expect(state).not.toContain('s3cr3t-value');
    const ending = JSON.parse(read('GITHUB_STATE')[ENDING_STATE] ?? '');
    expect(ending).toMatchObject({ provider: 'test', files: ['/tmp/keyless-x'] });
    expect(ending.env.TOKEN).toMatch(/^[0-9a-f]{16}$/);
  });

  it('escapes command data so a value cannot start a new command', () => {
    const stdout: string[] = [];
    new Runner(env, (text) => stdout.push(text)).log.warning('50%\r\n::error::x');
    expect(stdout).toEqual(['::warning::50%25%0D%0A::error::x\n']);
  });

  it('reads inputs as the runner sets them', () => {
    const runner = new Runner({ 'INPUT_ROLE-TO-ASSUME': 'arn', INPUT_MY_INPUT: 'v' }, () => {});
    expect(runner.input('role-to-assume')).toBe('arn');
    expect(runner.input('my input')).toBe('v');
    expect(runner.input('missing')).toBe('');
  });

  it('refuses to hand anything over without the file commands', () => {
    expect(() => new Runner({}, () => {}).exportVariable('A', 'b')).toThrow(/GITHUB_ENV is not set/);
  });
});
