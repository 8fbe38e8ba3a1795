/** The sandbox's Google Cloud: a pool provider trusting the sandbox issuer, and service accounts. */
import { GITHUB_JOB, GITHUB_SUB } from '../oidc.ts';
import type { SandboxGcp } from './server.ts';

export const GCP_PROJECT_NUMBER = '123456789012';
export const GCP_POOL = `projects/${GCP_PROJECT_NUMBER}/locations/global/workloadIdentityPools/github`;
/** A provider whose attribute condition admits the sandbox's repository. */
export const GCP_PROVIDER = `${GCP_POOL}/providers/keyless-demo`;
/** A provider whose attribute condition admits another repository only. */
export const GCP_LOCKED_PROVIDER = `${GCP_POOL}/providers/keyless-locked`;
/** A service account the sandbox's job may impersonate. */
export const GCP_SERVICE_ACCOUNT = 'deployer@keyless-sandbox.iam.gserviceaccount.com';
/** A service account nobody may impersonate. */
export const GCP_OTHER_ACCOUNT = 'admin@keyless-sandbox.iam.gserviceaccount.com';

export function seedGcp(gcp: SandboxGcp, issuer: string): void {
  gcp.providers.set(GCP_PROVIDER, {
    issuer,
    allowedAudiences: [],
    condition: (claims) => claims.repository_id === GITHUB_JOB.repository_id,
  });
  gcp.providers.set(GCP_LOCKED_PROVIDER, {
    issuer,
    allowedAudiences: [],
    condition: (claims) => claims.repository === 'keyless-dev/infrastructure',
  });
  gcp.bindings.set(GCP_SERVICE_ACCOUNT, [`principal://iam.googleapis.com/${GCP_POOL}/subject/${GITHUB_SUB}`]);
  gcp.bindings.set(GCP_OTHER_ACCOUNT, []);
}
