/**
 * The `keyless` entry point: answers `--version` at once, and loads the commands (and, through them, the
 * providers) only when a command needs them, so the CLI starts about as fast as bare Node.
 */
import packageJson from '../../package.json' with { type: 'json' };

async function main(argv: readonly string[]): Promise<number> {
  if (argv[0] === '--version' || argv[0] === 'version') {
    process.stdout.write(`keyless ${packageJson.version}\n`);
    return 0;
  }
  const { run } = await import('./run.ts');
  return run(argv, process.env);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    const { asKeylessError } = await import('../core/errors.ts');
    process.stderr.write(`keyless: ${asKeylessError(error).oneLine()}\n`);
    process.exitCode = 1;
  },
);
