/**
 * Streaming redaction for exec mode, where no CI system can mask values minted at run time: every
 * credential value is replaced by `***` in its raw, base64 (all three alignments, standard and URL-safe),
 * URL-encoded, JSON-escaped and hex forms, also when a value is split across writes; and a line that would
 * be a GitHub workflow command (`::name::…`) is neutralised, so the child cannot add masks or set outputs.
 */
import { Transform, type TransformCallback } from 'node:stream';

function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const forms: string[] = [];
  for (let shift = 0; shift < 3; shift++) {
    const tail = bytes.subarray(shift);
    const inner = tail.subarray(0, Math.floor(tail.length / 3) * 3);
    if (inner.length >= 6) forms.push(inner.toString('base64'), inner.toString('base64url'));
  }
  return forms;
}

/** Every form of the secrets worth redacting, longest first (so a long form wins over its own substrings). */
export function redactionForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    for (const value of [secret, ...secret.split(/\r?\n/).map((line) => line.trim())]) {
      if (value.length < 4) continue;
      const hex = Buffer.from(value, 'utf8').toString('hex');
      for (const form of [
        value,
        ...base64Forms(value),
        encodeURIComponent(value),
        JSON.stringify(value).slice(1, -1),
        hex,
        hex.toUpperCase(),
      ]) {
        if (form.length >= 4) forms.add(form);
      }
    }
  }
  return [...forms].sort((a, b) => b.length - a.length);
}

/** Replaces every form in `text`, e.g. `redact('key=abc123', ['abc123'])` → `key=***`. */
export function redact(text: string, forms: readonly string[]): string {
  let result = text;
  for (const form of forms) if (result.includes(form)) result = result.split(form).join('***');
  return result;
}

/** The length of the longest suffix of `text` that could be the start of a form (to hold back). */
function pendingPrefix(text: string, forms: readonly string[]): number {
  let longest = 0;
  for (const form of forms) {
    const max = Math.min(form.length - 1, text.length);
    for (let n = max; n > longest; n--) {
      if (text.endsWith(form.slice(0, n))) {
        longest = n;
        break;
      }
    }
  }
  return longest;
}

/** A Transform that redacts a byte stream; holds back only what could still become a secret or a command. */
export class Redactor extends Transform {
  /** The forms as the stream sees them: each UTF-8 byte as one latin1 character. */
  readonly #forms: readonly string[];
  #pending = '';
  #atLineStart = true;

  constructor(secrets: readonly string[]) {
    super();
    this.#forms = redactionForms(secrets).map((form) => Buffer.from(form, 'utf8').toString('latin1'));
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const text = redact(this.#pending + chunk.toString('latin1'), this.#forms);
    let hold = pendingPrefix(text, this.#forms);
    const lastLine = text.lastIndexOf('\n') + 1;
    const beginsLine = lastLine > 0 || this.#atLineStart;
    if (beginsLine && /^[ \t]*:?$/.test(text.slice(lastLine))) hold = Math.max(hold, text.length - lastLine);
    this.#pending = text.slice(text.length - hold);
    done(null, this.#emit(text.slice(0, text.length - hold)));
  }

  override _flush(done: TransformCallback): void {
    done(null, this.#emit(redact(this.#pending, this.#forms)));
  }

  /** Neutralises workflow commands (`::add-mask::x` → `: :add-mask::x`) at every line start. */
  #emit(text: string): Buffer {
    const atStart = this.#atLineStart;
    const out = text.replace(/(^|\n)([ \t]*)::/g, (match, newline: string, space: string, offset: number) =>
      offset === 0 && newline === '' && !atStart ? match : `${newline}${space}: :`,
    );
    if (text.length > 0) this.#atLineStart = text.endsWith('\n');
    return Buffer.from(out, 'latin1');
  }
}
