/** The Azure provider's options and outputs, named as Azure/login names them. */
import type { OptionSpec, OutputSpec } from '../../options/spec.ts';

const GUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';

export const AZURE_OPTIONS: readonly OptionSpec[] = [
  {
    name: 'client-id',
    description: 'The application (client) ID of the app registration or managed identity.',
    required: true,
    type: 'string',
    pattern: GUID,
  },
  {
    name: 'tenant-id',
    description: 'The directory (tenant) ID.',
    required: true,
    type: 'string',
    pattern: GUID,
  },
  {
    name: 'subscription-id',
    description:
      'The subscription ID, exported for the SDKs and Terraform (required unless allow-no-subscriptions).',
    type: 'string',
  },
  {
    name: 'audience',
    description: 'The audience of the OIDC token, as the federated credential lists it.',
    default: 'api://AzureADTokenExchange',
    type: 'string',
  },
  {
    name: 'environment',
    description: 'The Azure cloud: azurecloud, azureusgovernment or azurechinacloud.',
    default: 'azurecloud',
    type: 'string',
    options: ['azurecloud', 'azureusgovernment', 'azurechinacloud'],
  },
  {
    name: 'allow-no-subscriptions',
    description: 'Allow a login without a subscription (tenant-level access only).',
    default: 'false',
    type: 'boolean',
  },
  {
    name: 'output-credentials',
    description: 'Also set the access token (masked) and its expiry as step outputs.',
    default: 'false',
    type: 'boolean',
  },
];

export const AZURE_OUTPUTS: readonly OutputSpec[] = [
  {
    name: 'access-token',
    description: 'An access token for Azure Resource Manager (only with output-credentials).',
  },
  {
    name: 'expires-on',
    description: 'When the access token expires, ISO 8601 (only with output-credentials).',
  },
];
