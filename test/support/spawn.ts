import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

interface Ended {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** Runs a TypeScript entry point of the project in its own Node process. */
export function runTs(file: string, args: string[], env: Record<string, string> = {}): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', join(ROOT, file), ...args], {
      cwd: ROOT,
      env: { ...process.env, TS_NODE_SWC: 'true', TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ stdout, stderr, code, signal }));
  });
}

/** Runs test/support/child.ts in its own Node process; resolves with its outcomes and how it ended. */
export async function runChild(
  job: object,
): Promise<{ outcomes?: string[]; signal: NodeJS.Signals | null; code: number | null; stderr: string }> {
  const { stdout, stderr, code, signal } = await runTs('test/support/child.ts', [JSON.stringify(job)]);
  return { outcomes: stdout.trim() ? JSON.parse(stdout.trim()) : undefined, code, signal, stderr };
}
