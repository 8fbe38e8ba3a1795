/**
 * A later job step that uses the AWS SDK with nothing but the environment keyless exported (and
 * AWS_ENDPOINT_URL_STS pointing at the sandbox); prints who it is.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

const reply = await new STSClient({}).send(new GetCallerIdentityCommand({}));
console.log(JSON.stringify({ account: reply.Account, arn: reply.Arn }));
