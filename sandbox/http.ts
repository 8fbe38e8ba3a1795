/** The sandbox's tiny HTTP layer: a request read whole, a response written whole, routed by path prefix. */
import type { IncomingMessage, ServerResponse } from 'node:http';

/** A request with its body read as text. */
export interface SandboxRequest {
  readonly method: string;
  readonly url: URL;
  /** The path below the module's prefix, e.g. `/token` for `/oidc/token`. */
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A response to write. */
export interface SandboxResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: string;
}

/** One emulated service, mounted under a path prefix such as `/aws`. */
export interface SandboxModule {
  readonly prefix: string;
  handle(request: SandboxRequest): Promise<SandboxResponse>;
}

/** A JSON response. */
export function json(status: number, value: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

/** Reads a whole request body. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Writes a SandboxResponse. */
export function write(response: ServerResponse, reply: SandboxResponse): void {
  response.writeHead(reply.status, { 'content-length': Buffer.byteLength(reply.body), ...reply.headers });
  response.end(reply.body);
}

/** Parses an `application/x-www-form-urlencoded` body into a plain object. */
export function form(body: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(body));
}
