/**
 * Explains a trust-policy rejection: what the token carried and the trust-policy statement that would
 * admit exactly this job (StringEquals on `aud` and `sub`, never a wildcard).
 */
import type { Claims } from '../../core/claims.ts';

/** The IAM OIDC provider's name for an issuer: its URL without the scheme, e.g. `token.actions.githubusercontent.com`. */
export function providerHost(issuer: string): string {
  return issuer.replace(/^https?:\/\//, '').replace(/\/$/, '');
}

/** The trust-policy statement that admits this token for the role, as one line of JSON. */
export function admittingStatement(claims: Claims, roleArn: string, audience: string): string {
  const [, partition = 'aws', , , account = '123456789012'] = roleArn.split(':');
  const host = providerHost(claims.iss);
  return JSON.stringify({
    Effect: 'Allow',
    Principal: { Federated: `arn:${partition}:iam::${account}:oidc-provider/${host}` },
    Action: 'sts:AssumeRoleWithWebIdentity',
    Condition: { StringEquals: { [`${host}:aud`]: audience, [`${host}:sub`]: claims.sub } },
  });
}

/** The remedy for a rejected token, specific to what AWS said when AWS said enough. */
export function trustRemedy(claims: Claims, roleArn: string, audience: string, awsMessage: string): string {
  const statement = admittingStatement(claims, roleArn, audience);
  if (/No OpenIDConnect provider/i.test(awsMessage)) {
    return `Create an IAM OIDC identity provider for ${claims.iss} with audience ${JSON.stringify(audience)} in the role's account, then trust it: ${statement}`;
  }
  if (/audience/i.test(awsMessage)) {
    return `Add ${JSON.stringify(audience)} to the audiences of the IAM OIDC provider for ${claims.iss}, or set the audience input to one it lists.`;
  }
  return `Make the trust policy of ${roleArn} admit this job, e.g. with the statement ${statement}`;
}
