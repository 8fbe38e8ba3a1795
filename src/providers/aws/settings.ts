/** Reads and validates the AWS provider's inputs, all before any token is requested. */
import type { CiContext } from '../../ci/context.ts';
import { secureUrl } from '../../core/urls.ts';
import { boolean, integer, invalidInput, list, matching, optional, required } from '../../options/parse.ts';
import type { RawInputs } from '../../options/spec.ts';

/** Validated AWS settings. */
export interface AwsSettings {
  readonly roleArn: string;
  readonly region: string;
  readonly sessionName: string;
  readonly durationSeconds: number;
  readonly audience: string;
  readonly inlinePolicy: string | undefined;
  readonly managedPolicies: readonly string[];
  readonly maskAccountId: boolean;
  readonly allowedAccountIds: readonly string[];
  readonly outputCredentials: boolean;
  /** The STS endpoint, or undefined for the SDK's regional default. */
  readonly endpoint: URL | undefined;
}

const ROLE_ARN = /^arn:aws(-[a-z]+)*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const POLICY_ARN = /^arn:aws(-[a-z]+)*:iam::(\d{12}|aws):policy\/[\w+=,.@/-]{1,512}$/;
const REGION = /^[a-z]{2,5}(-[a-z]+)+-\d{1,2}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const ACCOUNT_ID = /^\d{12}$/;
const POLICY_CHARS = /^[\t\n\r\u0020-\u00ff]+$/;

/** Turns any CI run name into a valid session name: disallowed characters become '-', at most 64. */
export function sanitizeSessionName(name: string): string {
  const clean = name.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
  return clean.length >= 2 ? clean : 'keyless';
}

function roleArn(raw: RawInputs): string {
  const value = required(raw, 'role-to-assume', 'arn:aws:iam::123456789012:role/deploy');
  if (/^[\w+=,.@-]+$/.test(value)) {
    throw invalidInput(
      'role-to-assume',
      `is a role name, not an ARN (got ${JSON.stringify(value)})`,
      'Give the full ARN, e.g. arn:aws:iam::123456789012:role/deploy.',
    );
  }
  return matching(
    'role-to-assume',
    value,
    ROLE_ARN,
    'must be an IAM role ARN',
    'arn:aws:iam::123456789012:role/deploy',
  );
}

function inlinePolicy(raw: RawInputs): string | undefined {
  const value = optional(raw, 'inline-session-policy');
  if (value === undefined) return undefined;
  if (value.length > 2048) {
    throw invalidInput(
      'inline-session-policy',
      `is ${value.length} characters long, over the limit of 2048`,
      'Shorten the policy, or attach a managed policy instead.',
    );
  }
  if (!POLICY_CHARS.test(value)) {
    throw invalidInput(
      'inline-session-policy',
      'contains characters outside tab, newline and U+0020-U+00FF',
      'Remove the other characters.',
    );
  }
  try {
    JSON.parse(value);
  } catch {
    throw invalidInput(
      'inline-session-policy',
      'is not valid JSON',
      'Give a JSON policy document, e.g. {"Version":"2012-10-17","Statement":[…]}.',
    );
  }
  return value;
}

function managedPolicies(raw: RawInputs): string[] {
  const arns = list(raw, 'managed-session-policies');
  if (arns.length > 10) {
    throw invalidInput(
      'managed-session-policies',
      `lists ${arns.length} policies, over the limit of 10`,
      'Give at most 10 policy ARNs.',
    );
  }
  for (const arn of arns) {
    matching(
      'managed-session-policies',
      arn,
      POLICY_ARN,
      'must list managed policy ARNs',
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
    );
  }
  return arns;
}

function endpoint(raw: RawInputs, env: NodeJS.ProcessEnv): URL | undefined {
  const input = optional(raw, 'sts-endpoint');
  if (input) return secureUrl(input, 'sts-endpoint');
  if (env.AWS_ENDPOINT_URL_STS) return secureUrl(env.AWS_ENDPOINT_URL_STS, 'AWS_ENDPOINT_URL_STS');
  if (env.AWS_ENDPOINT_URL) return secureUrl(env.AWS_ENDPOINT_URL, 'AWS_ENDPOINT_URL');
  return undefined;
}

/** Never longer than asked, nor than the job has left (STS's floor is 900 s). */
function capped(asked: number, ci: CiContext): number {
  return ci.maxLifetimeSeconds === undefined ? asked : Math.min(asked, Math.max(900, ci.maxLifetimeSeconds));
}

/** Parses the raw inputs, e.g. `parseAwsSettings(raw, process.env, detectCi(process.env))`. */
export function parseAwsSettings(raw: RawInputs, env: NodeJS.ProcessEnv, ci: CiContext): AwsSettings {
  const sessionName = optional(raw, 'role-session-name');
  const allowed = list(raw, 'allowed-account-ids');
  for (const id of allowed)
    matching(
      'allowed-account-ids',
      id,
      ACCOUNT_ID,
      'must list 12-digit account IDs',
      '123456789012,210987654321',
    );
  return {
    roleArn: roleArn(raw),
    region: matching(
      'aws-region',
      required(raw, 'aws-region', 'us-east-1'),
      REGION,
      'must be an AWS region',
      'us-east-1',
    ),
    sessionName: sessionName
      ? matching(
          'role-session-name',
          sessionName,
          SESSION_NAME,
          'must be 2-64 characters of letters, digits and +=,.@_-',
          'deploy-1234',
        )
      : sanitizeSessionName(ci.sessionName),
    durationSeconds: capped(integer(raw, 'role-duration-seconds', 900, 43200), ci),
    audience: required(raw, 'audience', 'sts.amazonaws.com'),
    inlinePolicy: inlinePolicy(raw),
    managedPolicies: managedPolicies(raw),
    maskAccountId: boolean(raw, 'mask-aws-account-id'),
    allowedAccountIds: allowed,
    outputCredentials: boolean(raw, 'output-credentials'),
    endpoint: endpoint(raw, env),
  };
}
