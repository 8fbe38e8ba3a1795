/**
 * A later job step that uses google-auth-library, the real SDK, given only GOOGLE_APPLICATION_CREDENTIALS: it
 * fetches a fresh OIDC token through the file's credential_source, exchanges it, and reads a bucket from the
 * storage stand-in at KEYLESS_GCS. Prints no secret.
 */
import { GoogleAuth } from 'google-auth-library';

const auth = new GoogleAuth({ scopes: ['https://www.googleapis.com/auth/cloud-platform'] });
const client = await auth.getClient();
const { token } = await client.getAccessToken();
const response = await fetch(`${process.env.KEYLESS_GCS}/b/keyless-demo`, {
  headers: { authorization: `Bearer ${token}` },
});
console.log(JSON.stringify({ status: response.status, body: await response.json() }));
