/**
 * Bundles every entry point into one self-contained CommonJS file that `node FILE` runs with no
 * node_modules. CommonJS on purpose: Node loads built-in modules for it without building ESM facades,
 * which is measurably faster at start-up. `npm run build` writes the committed bundles; the bundle test
 * builds into a temporary directory and compares.
 */

import { chmodSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { type BuildOptions, build, type Plugin } from 'esbuild';

/** Each bundle: its source entry and where it is committed. */
export const BUNDLES: readonly { readonly entry: string; readonly out: string }[] = [
  { entry: 'src/actions/aws/main.ts', out: 'actions/aws/dist/main.cjs' },
  { entry: 'src/actions/aws/post.ts', out: 'actions/aws/dist/post.cjs' },
  { entry: 'src/actions/azure/main.ts', out: 'actions/azure/dist/main.cjs' },
  { entry: 'src/actions/azure/post.ts', out: 'actions/azure/dist/post.cjs' },
  { entry: 'src/actions/gcp/main.ts', out: 'actions/gcp/dist/main.cjs' },
  { entry: 'src/actions/gcp/post.ts', out: 'actions/gcp/dist/post.cjs' },
  { entry: 'src/actions/vault/main.ts', out: 'actions/vault/dist/main.cjs' },
  { entry: 'src/actions/vault/post.ts', out: 'actions/vault/dist/post.cjs' },
  { entry: 'src/cli/main.ts', out: 'cli/keyless.cjs' },
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

/** The options every bundle shares; `plugins` and entries are added per build. */
const COMMON = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minify: true,
  legalComments: 'eof',
  logLevel: 'warning',
  // The SDKs' ES modules tree-shake (they declare sideEffects: false); their CommonJS builds do not.
  mainFields: ['module', 'main'] as string[],
  // `await import('node:http')` builds an ESM facade of node:http, which in Node 24 loads undici (~18 ms);
  // lowered to require(), it costs nothing.
  supported: { 'dynamic-import': false },
  // The SDK warns on Node 20 that its releases after January 2027 will need Node 22; the SDK inside these
  // bundles is pinned, so the warning does not apply, and it would print nine lines into every job log.
  define: { 'process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED': '"true"' },
} satisfies BuildOptions;

/**
 * Modules a bundle carries as source text and compiles on first use: V8 then spends nothing on them at
 * start-up (scanning a string is almost free), and a run that never needs them never parses them. Only
 * self-contained wire modules qualify: they may import packages, not keyless's own modules, whose classes
 * would otherwise exist twice.
 */
const DEFERRED = /[\\/]src[\\/]providers[\\/](aws[\\/]sts|azure[\\/]entra)\.ts$/;

const deferred: Plugin = {
  name: 'deferred',
  setup(b) {
    // A namespace of its own, so esbuild judges the generated module by its content (CommonJS), not by the
    // package's "type": "module".
    b.onResolve({ filter: /\.ts$/ }, (args) => {
      const path = resolve(args.resolveDir, args.path);
      return DEFERRED.test(path) ? { path, namespace: 'deferred' } : undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'deferred' }, async (args) => {
      const inner = await build({
        ...COMMON,
        entryPoints: [args.path],
        write: false,
        legalComments: 'none',
        plugins: [noDefaultCredentials],
      });
      const source = inner.outputFiles?.[0]?.text ?? '';
      const name = basename(args.path).replace(/\.ts$/, '.cjs');
      return {
        loader: 'js',
        contents:
          'const m = { exports: {} };\n' +
          `require('node:vm').compileFunction(${JSON.stringify(source)}, ['exports', 'require', 'module'], { filename: ${JSON.stringify(name)} })(m.exports, require, m);\n` +
          'module.exports = m.exports;\n',
      };
    });
  },
};

/** Builds every bundle under `root` (the repository, or a scratch directory for the staleness test). */
export async function buildAll(root: string): Promise<void> {
  await Promise.all(
    BUNDLES.map((bundle) =>
      build({
        ...COMMON,
        entryPoints: [bundle.entry],
        outfile: join(root, bundle.out),
        plugins: [deferred, noDefaultCredentials],
        ...(bundle.out.startsWith('cli/') ? { banner: { js: '#!/usr/bin/env node' } } : {}),
      }),
    ),
  );
  for (const bundle of BUNDLES) if (bundle.out.startsWith('cli/')) chmodSync(join(root, bundle.out), 0o755);
}

if (import.meta.main) await buildAll(process.cwd());
