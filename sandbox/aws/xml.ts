/** STS's XML replies (Query protocol, API version 2011-06-15). */
import { randomUUID } from 'node:crypto';
import type { SandboxResponse } from '../http.ts';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** Escapes text for an XML element. */
export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function reply(status: number, body: string, requestId: string): SandboxResponse {
  return { status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
}

/** A successful `<Action>Response` wrapping `result` (already-escaped XML). */
export function stsResult(action: string, result: string): SandboxResponse {
  const id = randomUUID();
  return reply(
    200,
    `<${action}Response xmlns="${NS}"><${action}Result>${result}</${action}Result>` +
      `<ResponseMetadata><RequestId>${id}</RequestId></ResponseMetadata></${action}Response>`,
    id,
  );
}

/** An `<ErrorResponse>` as STS sends it: Sender for 4xx, Receiver for 5xx. */
export function stsError(status: number, code: string, message: string): SandboxResponse {
  const id = randomUUID();
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return reply(
    status,
    `<ErrorResponse xmlns="${NS}"><Error><Type>${type}</Type><Code>${esc(code)}</Code>` +
      `<Message>${esc(message)}</Message></Error><RequestId>${id}</RequestId></ErrorResponse>`,
    id,
  );
}
