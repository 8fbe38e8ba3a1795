/**
 * Bundles every entry point into one self-contained CommonJS file that `node FILE` runs with no
 * node_modules. CommonJS on purpose: Node loads built-in modules for it without building ESM facades,
 * which is measurably faster at start-up. `npm run build` writes the committed bundles; the bundle test
 * builds into a temporary directory and compares.
 */

import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';

/** Each bundle: its source entry and where it is committed. */
export const BUNDLES: readonly { readonly entry: string; readonly out: string }[] = [
  { entry: 'src/actions/aws/main.ts', out: 'actions/aws/dist/main.cjs' },
  { entry: 'src/actions/aws/post.ts', out: 'actions/aws/dist/post.cjs' },
  { entry: 'src/actions/vault/main.ts', out: 'actions/vault/dist/main.cjs' },
  { entry: 'src/actions/vault/post.ts', out: 'actions/vault/dist/post.cjs' },
];

/**
 * keyless always hands the AWS SDK its credentials (AssumeRoleWithWebIdentity is unsigned; GetCallerIdentity
 * gets the new session), so the SDK's default credential chain (profiles, SSO, IMDS: a third of the bundle)
 * is never called. It is replaced by a provider that says so if it ever is.
 */
const noDefaultCredentials: Plugin = {
  name: 'no-default-credentials',
  setup(b) {
    b.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
      path: 'none',
      namespace: 'keyless',
    }));
    b.onLoad({ filter: /.*/, namespace: 'keyless' }, () => ({
      loader: 'js',
      contents:
        "export const defaultProvider = () => async () => { throw new Error('keyless passes credentials explicitly'); };",
    }));
  },
};

/** Builds every bundle under `root` (the repository, or a scratch directory for the staleness test). */
export async function buildAll(root: string): Promise<void> {
  await Promise.all(
    BUNDLES.map((bundle) =>
      build({
        entryPoints: [bundle.entry],
        outfile: join(root, bundle.out),
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        minify: true,
        legalComments: 'eof',
        logLevel: 'warning',
        // The SDKs' ES modules tree-shake (they declare sideEffects: false); their CommonJS builds do not.
        mainFields: ['module', 'main'],
        // `await import('node:http')` builds an ESM facade of node:http, which in Node 24 loads undici (~18 ms);
        // lowered to require(), it costs nothing.
        supported: { 'dynamic-import': false },
        plugins: [noDefaultCredentials],
      }),
    ),
  );
}

if (import.meta.main) await buildAll(process.cwd());
