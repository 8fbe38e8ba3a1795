/** The documentation promises that the code keeps: troubleshooting sections, the README's commands, CI. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../src/core/errors.ts';

const ROOT = join(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

describe('docs', () => {
  it('has exactly one troubleshooting section per error code', () => {
    const sections = [...read('docs/troubleshooting.md').matchAll(/^## (\S+)$/gm)].map(([, code]) => code);
    expect(sections).toEqual([...ERROR_CODES]);
  });

  it('opens the README with the two quick-start commands, and CI runs the test command exactly', () => {
    const readme = read('README.md');
    const quickStart = readme.slice(0, readme.indexOf('## '));
    expect(quickStart).toMatch(/^npm ci && npm run demo\b/m);
    expect(quickStart).toMatch(/^npm ci && npm test\b/m);
    const ci = read('.ci/run').split('\n');
    expect(ci).toContain('npm ci && npm test');
  });

  it('keeps the GitLab component self-contained, with a template for every provider', async () => {
    const { PROVIDERS } = await import('../src/providers/registry.ts');
    for (const name of Object.keys(PROVIDERS))
      expect(read(`gitlab-component/templates/${name}.yml`)).toContain(`.keyless-${name}:`);
    expect(read('gitlab-component/README.md')).toContain('!reference [.keyless-aws, before_script]');
    expect(read('gitlab-component/README.md')).toContain('CI_DEBUG_TRACE');
    expect(read('gitlab-component/.gitlab-ci.yml')).toContain('$CI_COMMIT_TAG');
  });
});
