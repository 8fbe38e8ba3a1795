/**
 * Maps STS and SDK failures to keyless errors: throttling, 5xx, IDPCommunicationError and network failures
 * are transient; trust rejections, expired tokens and validation errors are final.
 */
import { KeylessError, scrub } from '../../core/errors.ts';

const TRANSIENT = new Set([
  'Throttling',
  'RequestLimitExceeded',
  'TooManyRequests',
  'IDPCommunication',
  'IDPCommunicationError',
  'InternalFailure',
  'InternalError',
  'ServiceUnavailable',
  'RequestTimeout',
]);
const TRUST = new Set(['AccessDenied', 'InvalidIdentityToken', 'IDPRejectedClaim']);
const EXPIRED = new Set(['ExpiredToken']);
const NETWORK =
  /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EAI_AGAIN|ECONNABORTED|EHOSTUNREACH|ENETUNREACH|TimeoutError)$/;

interface SdkErrorShape {
  name?: string;
  code?: string;
  Code?: string;
  message?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
}

/** The AWS error code without the SDK's `Exception` suffix, e.g. `InvalidIdentityToken`. */
export function awsCode(error: SdkErrorShape): string {
  return String(error.Code ?? error.name ?? 'UnknownError').replace(/Exception$/, '');
}

/** A KeylessError for a failed STS call, carrying the AWS code and status as facts. */
export function stsError(error: unknown, operation: string): KeylessError {
  if (error instanceof KeylessError) return error;
  const shape = (error ?? {}) as SdkErrorShape;
  const status = shape.$metadata?.httpStatusCode;
  const code = awsCode(shape);
  const message = scrub(shape.message ?? '');
  if (status === undefined && NETWORK.test(String(shape.code ?? shape.name))) {
    return new KeylessError(
      'ERR_UNAVAILABLE',
      `Could not reach STS for ${operation} (${shape.code ?? shape.name}).`,
      {
        transient: true,
        remedy: 'Check that the STS endpoint is reachable from the runner (proxy, firewall, DNS).',
        cause: error,
      },
    );
  }
  const facts = { 'AWS error': `${code}: ${message}`, ...(status ? { 'HTTP status': String(status) } : {}) };
  const transient = TRANSIENT.has(code) || (status !== undefined && (status === 429 || status >= 500));
  const kind = TRUST.has(code) ? 'ERR_TRUST_REJECTED' : EXPIRED.has(code) ? 'ERR_TOKEN_EXPIRED' : undefined;
  const errorCode = transient
    ? 'ERR_UNAVAILABLE'
    : (kind ?? (status && status < 300 ? 'ERR_BAD_RESPONSE' : 'ERR_REQUEST_REJECTED'));
  return new KeylessError(errorCode, `STS rejected ${operation}: ${code}.`, {
    transient,
    facts,
    cause: error,
  });
}
