/**
 * A small HTTP client over node:http(s): no redirects followed (a bearer header never reaches another host),
 * a timeout, a size cap, and network failures reported as transient errors that name only the host.
 */
import { request as httpRequest } from 'node:http';
import { KeylessError } from './errors.ts';

/** One request; `body` is sent as-is. */
export interface HttpRequest {
  readonly url: URL;
  readonly method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
  readonly timeoutMs?: number;
  /** PEM certificates to trust instead of the system's, for an https endpoint with a private CA. */
  readonly ca?: string;
}

/** A response, its body read as UTF-8. */
export interface HttpResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** Sends one request; injectable so wire clients can be tested against any transport. */
export type HttpClient = (request: HttpRequest) => Promise<HttpResponse>;

const MAX_BODY = 1024 * 1024;

/** node:https costs about 15 ms to load, so it is loaded on the first https request only. */
async function transportFor(url: URL): Promise<typeof httpRequest> {
  return url.protocol === 'https:' ? (await import('node:https')).request : httpRequest;
}

/** The default client, e.g. `await send({ url: new URL('https://…'), method: 'POST', body })`. */
export const send: HttpClient = async (req) => {
  const transport = await transportFor(req.url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'user-agent': 'keyless', ...req.headers };
    if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
    const options = { method: req.method ?? 'GET', headers, ...(req.ca ? { ca: req.ca } : {}) };
    const outgoing = transport(req.url, options, (incoming) => {
      const chunks: Buffer[] = [];
      let size = 0;
      incoming.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_BODY) outgoing.destroy(new Error('response larger than 1 MiB'));
        else chunks.push(chunk);
      });
      incoming.on('end', () =>
        resolve({
          status: incoming.statusCode ?? 0,
          headers: incoming.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      incoming.on('error', (error) => reject(networkError(req.url, error)));
    });
    outgoing.setTimeout(req.timeoutMs ?? 10_000, () => outgoing.destroy(new Error('timed out')));
    outgoing.on('error', (error) => reject(networkError(req.url, error)));
    outgoing.end(req.body);
  });
};

/** Certificate failures: final, because retrying cannot make an untrusted certificate trusted. */
const TLS_FAILURE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

function networkError(url: URL, error: Error): KeylessError {
  const code = (error as NodeJS.ErrnoException).code ?? error.message;
  if (TLS_FAILURE.test(code)) {
    return new KeylessError(
      'ERR_INSECURE_URL',
      `The TLS certificate of ${url.host} could not be verified (${code}).`,
      {
        remedy:
          'Trust the CA that signed it (Vault: ca-certificate; anything: NODE_EXTRA_CA_CERTS); never turn verification off.',
      },
    );
  }
  return new KeylessError('ERR_UNAVAILABLE', `Could not reach ${url.host} (${code}).`, {
    transient: true,
    remedy: `Check that ${url.host} is reachable from the runner (proxy, firewall, DNS).`,
  });
}

/** Parses `Retry-After` (seconds or an HTTP date) into milliseconds, if present. */
export function retryAfterMs(response: HttpResponse, now = Date.now()): number | undefined {
  const value = response.headers['retry-after'];
  if (typeof value !== 'string') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Whether an HTTP status is worth retrying: throttling and server errors. */
export function isTransientStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * Yields one turn of the event loop, so a request just started is written to its socket before synchronous
 * work (compiling an SDK) holds the thread: the round trip then overlaps that work. Measured on AWS: the token
 * request reaches the server at 42 ms instead of 76 ms.
 */
export function letRequestsOut(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
