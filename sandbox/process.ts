/** Runs a child process to completion and collects its output; the one way the harness runs programs. */
import { spawn } from 'node:child_process';

/** What a finished process did. */
export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** How to run it. */
export interface RunOptions {
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Sees stdout as it arrives (with the child's pid), e.g. to signal the child at the right moment. */
  readonly onStdout?: (stdout: string, pid: number) => void;
  /** Killed with SIGKILL after this long (default 60 s). */
  readonly timeoutMs?: number;
}

/** Runs `file args…`, e.g. `await runProcess(process.execPath, ['main.cjs'], { env })`. */
export function runProcess(file: string, args: readonly string[], options: RunOptions): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      env: options.env,
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      options.onStdout?.(stdout, child.pid ?? 0);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
