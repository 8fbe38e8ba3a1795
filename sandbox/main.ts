/**
 * `npm run sandbox`: starts the sandbox on loopback and prints the variables that point a job at it,
 * for trying keyless by hand. Stops on Ctrl-C.
 */
import { DEMO_ROLE, startSandbox } from './server.ts';

const sandbox = await startSandbox(Number(process.env.KEYLESS_SANDBOX_PORT ?? 0));
console.log(`keyless sandbox on ${sandbox.origin} (loopback only). Point a job at it with:\n`);
console.log(`export ACTIONS_ID_TOKEN_REQUEST_URL='${sandbox.oidc.requestUrl}'`);
console.log(`export ACTIONS_ID_TOKEN_REQUEST_TOKEN='${sandbox.oidc.requestToken}'`);
console.log(`export AWS_ENDPOINT_URL_STS='${sandbox.stsEndpoint}'`);
console.log(`# a role that trusts the sandbox's job: ${DEMO_ROLE}`);
console.log(
  `# inject faults: curl -d '{"endpoint":"aws.AssumeRoleWithWebIdentity","status":400,"code":"Throttling","times":2}' ${sandbox.origin}/_sandbox/faults`,
);
const stop = () => void sandbox.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
