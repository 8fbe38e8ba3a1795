import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretFiles } from '../../src/core/files.ts';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'keyless-files-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('SecretFiles', () => {
  it('writes 0600 files with random names and deletes exactly those', () => {
    const files = new SecretFiles(root, join(root, 'workspace'));
    const a = files.write('token', 'secret-a');
    const b = files.write('token', 'secret-b', '.json');
    expect(a).not.toBe(b);
    expect(basename(b)).toMatch(/^keyless-token-[0-9a-f]{24}\.json$/);
    expect(statSync(a).mode & 0o777).toBe(0o600);
    expect(readFileSync(a, 'utf8')).toBe('secret-a');
    expect(files.written).toEqual([a, b]);
    files.removeAll();
    expect(() => statSync(a)).toThrow();
    expect(() => statSync(b)).toThrow();
    expect(files.written).toEqual([]);
  });

  it('refuses a directory inside the workspace', () => {
    mkdirSync(join(root, 'src'));
    expect(() => new SecretFiles(join(root, 'src'), root)).toThrow(/inside the workspace/);
    expect(() => new SecretFiles(root, root)).toThrow(/inside the workspace/);
  });

  it('refuses a directory behind a symlink', () => {
    mkdirSync(join(root, 'real'));
    symlinkSync(join(root, 'real'), join(root, 'link'));
    expect(() => new SecretFiles(join(root, 'link'), undefined).write('x', 'y')).toThrow(
      /not a plain directory/,
    );
  });
});
