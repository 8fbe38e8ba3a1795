/**
 * The single HTTPS rule: a token or credential is never sent over `http://` unless the host is loopback.
 * Every endpoint is checked with it before the OIDC token is requested.
 */
import { KeylessError } from './errors.ts';

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

/** Whether a URL's host is the loopback interface (where plain http cannot be sniffed). */
export function isLoopback(url: URL): boolean {
  return LOOPBACK.test(url.hostname);
}

/**
 * Parses an endpoint and enforces the HTTPS rule, naming `source` (an input or variable) in any error,
 * e.g. `secureUrl('http://127.0.0.1:8200', 'url')`.
 */
export function secureUrl(raw: string, source: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new KeylessError('ERR_INPUT_INVALID', `${source} is not a valid URL.`, {
      remedy: `Set ${source} to an absolute https:// URL, e.g. https://sts.us-east-1.amazonaws.com.`,
    });
  }
  if (url.username || url.password) {
    throw new KeylessError('ERR_INPUT_INVALID', `${source} must not carry a user name or password.`, {
      remedy: `Remove the user:password@ part from ${source}.`,
    });
  }
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && isLoopback(url)) return url;
  if (url.protocol === 'http:') {
    throw new KeylessError(
      'ERR_INSECURE_URL',
      `${source} uses plain http:// to a host that is not loopback.`,
      {
        facts: { host: url.host },
        remedy: `Use https:// for ${source}; plain http:// is accepted only for localhost and 127.0.0.1.`,
      },
    );
  }
  throw new KeylessError('ERR_INPUT_INVALID', `${source} must be an https:// URL, not ${url.protocol}.`, {
    remedy: `Set ${source} to an https:// URL.`,
  });
}
