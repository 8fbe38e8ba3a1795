/**
 * Bundles every entry point into one self-contained CommonJS file that `node FILE` runs with no
 * node_modules. CommonJS on purpose: Node loads built-in modules for it without building ESM facades,
 * which is measurably faster at start-up. `npm run build` writes the committed bundles; the bundle test
 * builds into a temporary directory and compares.
 */

import { join } from 'node:path';
import { build } from 'esbuild';

/** Each bundle: its source entry and where it is committed. */
export const BUNDLES: readonly { readonly entry: string; readonly out: string }[] = [
  { entry: 'src/actions/aws/main.ts', out: 'actions/aws/dist/main.cjs' },
  { entry: 'src/actions/aws/post.ts', out: 'actions/aws/dist/post.cjs' },
];

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
      }),
    ),
  );
}

if (import.meta.main) await buildAll(process.cwd());
