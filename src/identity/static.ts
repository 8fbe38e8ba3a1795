/**
 * Tokens handed over by the CI system itself: an environment variable (GitLab `id_tokens`, a Jenkins
 * `withCredentials` binding) or a file (a Jenkins-bound file, a Kubernetes projected service-account token).
 */
import { readFile } from 'node:fs/promises';
import { KeylessError } from '../core/errors.ts';
import type { IdentitySource } from './source.ts';

/** A token held in an environment variable, e.g. `envIdentity('KEYLESS_AWS_ID_TOKEN', process.env)`. */
export function envIdentity(name: string, env: NodeJS.ProcessEnv): IdentitySource {
  const token = env[name]?.trim();
  if (!token) {
    throw new KeylessError('ERR_OIDC_PERMISSION', `The variable ${name} holds no OIDC token.`, {
      remedy: `Bind the CI system's OIDC token to ${name} (GitLab: id_tokens; Jenkins: withCredentials).`,
    });
  }
  return { description: `the variable ${name}`, getToken: async () => token };
}

/**
 * A token read from a file each time it is asked for, so a token the platform rotates (a Kubernetes
 * projected token) is always fresh, e.g. `fileIdentity('/var/run/secrets/tokens/oidc')`.
 */
export function fileIdentity(path: string): IdentitySource {
  return {
    description: `the file ${path}`,
    externalSource: () => ({ file: path }),
    getToken: async () => {
      let token: string;
      try {
        token = (await readFile(path, 'utf8')).trim();
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
        throw new KeylessError(
          'ERR_OIDC_PERMISSION',
          `The OIDC token file ${path} cannot be read (${code}).`,
          {
            remedy: 'Check the path, and that the CI system wrote the token there before this step.',
          },
        );
      }
      if (!token) {
        throw new KeylessError('ERR_OIDC_PERMISSION', `The OIDC token file ${path} is empty.`, {
          remedy: 'Check that the CI system wrote the token to this file before this step.',
        });
      }
      return token;
    },
  };
}
