/**
 * `npm run demo`: the whole AWS lifecycle against the local sandbox, offline. It runs the committed
 * actions/aws bundles as a GitHub runner would, lets the AWS SDK use what was exported in a later step,
 * runs the post step, and scans everything for the secrets that were issued. Prints no secret.
 */

import { encodings, findLeaks } from './leaks.ts';
import { runAction, runnerLog } from './runner.ts';
import { DEMO_ROLE, startSandbox } from './server.ts';
import { runStep } from './steps.ts';

const say = (stage: string, text: string) => console.log(`${stage.padEnd(10)} ${text}`);
const indent = (text: string) =>
  text
    .trimEnd()
    .split('\n')
    .map((line) => `           | ${line}`)
    .join('\n');

const sandbox = await startSandbox();
try {
  console.log(
    'keyless demo: the AWS lifecycle against the local sandbox (loopback only, no cloud account)\n',
  );
  say('sandbox', `OIDC issuer ${sandbox.oidc.issuer}, STS ${sandbox.stsEndpoint}`);
  const run = await runAction(sandbox, {
    action: 'aws',
    inputs: { 'role-to-assume': DEMO_ROLE, 'aws-region': 'us-east-1', 'sts-endpoint': sandbox.stsEndpoint },
  });
  say('main', `actions/aws/dist/main.cjs exited ${run.main.code}; the job log shows:`);
  console.log(indent(runnerLog(run.main.stdout, run.main.masks)));
  if (run.main.code !== 0) throw new Error('the main step failed');
  say(
    'minted',
    `${sandbox.faults.calls('oidc.token')} OIDC token from the runner's ID-token endpoint (bearer-checked)`,
  );
  say(
    'exchanged',
    `AssumeRoleWithWebIdentity (JWT verified against the issuer's JWKS), then GetCallerIdentity signed with the new session`,
  );
  say('masked', `${run.main.masks.length} values registered with ::add-mask:: before anything was exported`);
  say('exported', Object.keys(run.main.exported).join(', '));
  const next = await runStep('aws-whoami.ts', { ...run.env, AWS_ENDPOINT_URL_STS: sandbox.stsEndpoint });
  const who = JSON.parse(next.stdout) as { arn: string };
  say('used', `a later step's AWS SDK called GetCallerIdentity with only those variables: ${who.arn}`);
  say('ended', `actions/aws/dist/post.cjs exited ${run.post?.code}: ${run.post?.stdout.trim()}`);
  say(
    '',
    `cleared ${Object.keys(run.post?.exported ?? {}).join(', ')}; STS sessions cannot be revoked one by one, so this one is kept short (${run.main.outputs['aws-expiration']})`,
  );
  const secrets = sandbox.ledger.secrets;
  const found = findLeaks(
    {
      main: run.main.stdout.replace(/^::add-mask::.*$/gm, ''),
      post: run.post?.stdout ?? '',
      next: next.stdout,
    },
    secrets,
  );
  const forms = secrets.reduce((sum, secret) => sum + encodings(secret).length, 0);
  say(
    'leaks',
    `searched the logs for ${secrets.length} issued secrets in ${forms} encoded forms: ${found.length === 0 ? 'none found' : found.join('; ')}`,
  );
  run.cleanup();
  if (found.length > 0) process.exitCode = 1;
} catch (error) {
  console.error(`demo failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await sandbox.close();
}
