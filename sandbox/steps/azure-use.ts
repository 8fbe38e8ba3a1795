/**
 * A later job step that uses @azure/identity's WorkloadIdentityCredential, the real SDK, with nothing but the
 * variables keyless exported (and AZURE_AUTHORITY_HOST pointing at the sandbox): it gets a Resource Manager
 * token and reads the subscription from the management stand-in at KEYLESS_ARM. Prints no secret.
 */
import { WorkloadIdentityCredential } from '@azure/identity';

const credential = new WorkloadIdentityCredential({ disableInstanceDiscovery: true });
const token = await credential.getToken('https://management.azure.com/.default');
const url = `${process.env.KEYLESS_ARM}/subscriptions/${process.env.AZURE_SUBSCRIPTION_ID}?api-version=2022-12-01`;
const response = await fetch(url, { headers: { authorization: `Bearer ${token.token}` } });
console.log(JSON.stringify({ status: response.status, body: await response.json() }));
