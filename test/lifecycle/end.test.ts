import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Ending, valueFingerprint } from '../../src/core/credential.ts';
import { end, parseEnding } from '../../src/lifecycle/end.ts';
import type { Logger } from '../../src/providers/provider.ts';

function recorder() {
  const warnings: string[] = [];
  const log: Logger = { info: () => {}, debug: () => {}, warning: (message) => warnings.push(message) };
  return { log, warnings };
}

describe('end', () => {
  it('clears only variables that still hold what keyless set, deletes the files, and is idempotent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyless-end-'));
    const file = join(dir, 'keyless-token');
    writeFileSync(file, 'x');
    const ending: Ending = {
      provider: 'test',
      env: { A: valueFingerprint('mine'), B: valueFingerprint('mine-too'), C: valueFingerprint('gone') },
      files: [file],
    };
    const env: NodeJS.ProcessEnv = { A: 'mine', B: 'set-by-a-later-step' };
    const cleared: string[] = [];
    const { log, warnings } = recorder();
    const first = await end(ending, { env, clear: (name) => cleared.push(name), log });
    expect(first).toEqual({ cleared: ['A'], deleted: [file], failed: [] });
    expect(existsSync(file)).toBe(false);
    const second = await end(ending, { env: { A: '' }, clear: (name) => cleared.push(name), log });
    expect(second.cleared).toEqual([]);
    expect(cleared).toEqual(['A']);
    expect(warnings).toEqual([]);
    rmSync(dir, { recursive: true });
  });

  it('warns instead of failing when revocation fails', async () => {
    const { log, warnings } = recorder();
    const revoker = {
      revoke: async () => {
        throw new Error('connection refused to vault token ABCDEF0123456789ABCDEF0123');
      },
    };
    const report = await end(
      { provider: 'vault', env: {}, files: [], revoke: { url: 'x' } },
      { env: {}, clear: () => {}, log, revoker },
    );
    expect(report.failed).toEqual(['revocation']);
    expect(warnings[0]).toContain('Could not revoke the vault credential');
    expect(warnings[0]).not.toContain('ABCDEF0123456789ABCDEF0123');
  });

  it.each([['not json'], ['{"provider":1}'], ['null'], ['[]']])(
    'treats a damaged record %s as nothing to end',
    (raw) => {
      expect(parseEnding(raw)).toBeUndefined();
    },
  );
});
