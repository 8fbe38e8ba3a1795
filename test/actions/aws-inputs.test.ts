/**
 * The AWS bad-input cases of notes/security.md, each run through the committed bundle: one clear error
 * naming the input, exit status 1, no token requested, nothing exported, nothing left on disk.
 */
import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type JobRun, runAction } from '../../sandbox/runner.ts';
import { DEMO_ROLE } from '../../sandbox/server.ts';
import { errors, leaks, useSandbox } from '../support/job.ts';

const sandbox = useSandbox();
const runs: JobRun[] = [];
afterEach(() => {
  for (const run of runs.splice(0)) run.cleanup();
});

const arns = (n: number) =>
  Array.from({ length: n }, (_, i) => `arn:aws:iam::aws:policy/Policy${i}`).join('\n');

const CASES: readonly [string, Record<string, string>, string][] = [
  ['no role', { 'role-to-assume': '' }, 'Input role-to-assume is required'],
  [
    'a role name instead of an ARN',
    { 'role-to-assume': 'deploy' },
    'Input role-to-assume is a role name, not an ARN',
  ],
  [
    'a malformed role ARN',
    { 'role-to-assume': 'arn:aws:iam::12345:role/x' },
    'Input role-to-assume must be an IAM role ARN',
  ],
  ['no region', { 'aws-region': '' }, 'Input aws-region is required'],
  ['a malformed region', { 'aws-region': 'Moon Base 1' }, 'Input aws-region must be an AWS region'],
  [
    'a 65-character session name',
    { 'role-session-name': 'x'.repeat(65) },
    'Input role-session-name must be 2-64',
  ],
  [
    'a session name with a space',
    { 'role-session-name': 'my session' },
    'Input role-session-name must be 2-64',
  ],
  ['a session name with a newline', { 'role-session-name': 'a\nb' }, 'Input role-session-name must be 2-64'],
  [
    'a duration of 899',
    { 'role-duration-seconds': '899' },
    'Input role-duration-seconds must be a whole number from 900 to 43200',
  ],
  [
    'a duration of 43201',
    { 'role-duration-seconds': '43201' },
    'Input role-duration-seconds must be a whole number from 900 to 43200',
  ],
  [
    'a duration that is not a number',
    { 'role-duration-seconds': '1h' },
    'Input role-duration-seconds must be a whole number',
  ],
  [
    'a 2049-character inline policy',
    { 'inline-session-policy': `{"a":"${'x'.repeat(2041)}"}` },
    'is 2049 characters long, over the limit of 2048',
  ],
  [
    'an inline policy that is not JSON',
    { 'inline-session-policy': 'Allow everything' },
    'Input inline-session-policy is not valid JSON',
  ],
  [
    '11 managed policies',
    { 'managed-session-policies': arns(11) },
    'lists 11 policies, over the limit of 10',
  ],
  [
    'a managed policy that is not an ARN',
    { 'managed-session-policies': 'ReadOnlyAccess' },
    'must list managed policy ARNs',
  ],
  [
    'a malformed account id',
    { 'allowed-account-ids': '1111-2222-3333' },
    'Input allowed-account-ids must list 12-digit account IDs',
  ],
  [
    'a boolean that is not one',
    { 'output-credentials': 'yes' },
    'Input output-credentials must be true or false',
  ],
  ['an sts-endpoint that is not a URL', { 'sts-endpoint': 'sts.local' }, 'sts-endpoint is not a valid URL'],
  [
    'an sts-endpoint with credentials',
    { 'sts-endpoint': 'https://user:pw@sts.example.com' },
    'must not carry a user name or password',
  ],
  [
    'an ftp sts-endpoint',
    { 'sts-endpoint': 'ftp://sts.example.com' },
    'sts-endpoint must be an https:// URL',
  ],
  [
    'plain http to a remote STS',
    { 'sts-endpoint': 'http://10.0.0.8/' },
    'sts-endpoint uses plain http:// to a host that is not loopback',
  ],
];

describe('actions/aws input validation', () => {
  it.each(CASES)('rejects %s before requesting a token', async (_name, inputs, message) => {
    const run = await runAction(sandbox(), {
      action: 'aws',
      inputs: {
        'role-to-assume': DEMO_ROLE,
        'aws-region': 'us-east-1',
        'sts-endpoint': sandbox().stsEndpoint,
        ...inputs,
      },
    });
    runs.push(run);
    expect(run.main.code).toBe(1);
    const reported = errors(run.main.stdout);
    expect(reported).toHaveLength(1);
    expect(reported[0]).toContain(message);
    expect(reported[0]).toMatch(/\nFix: \S/);
    expect(sandbox().faults.calls('oidc.token')).toBe(0);
    expect(run.main.exported).toEqual({});
    expect(run.main.state).toEqual({});
    expect(readdirSync(run.dirs.temp)).toEqual([]);
    expect(run.main.stderr).toBe('');
    expect(leaks(run, sandbox())).toEqual([]);
  });

  it('never lets an input inject a workflow command', async () => {
    const run = await runAction(sandbox(), {
      action: 'aws',
      inputs: { 'role-to-assume': 'arn:x\n::add-mask::pwned\n::warning::pwned', 'aws-region': 'us-east-1' },
    });
    runs.push(run);
    expect(run.main.code).toBe(1);
    expect(run.main.stdout).not.toMatch(/^\s*::(add-mask|warning)::pwned/m);
    expect(run.main.stdout.split('\n').filter((line) => line.startsWith('::'))).toHaveLength(1);
  });
});
