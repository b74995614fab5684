import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Runs test/support/child.ts in its own Node process; resolves with its outcomes and how it ended. */
export function runChild(job: object): Promise<{ outcomes?: string[]; signal: NodeJS.Signals | null; code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', join(ROOT, 'test/support/child.ts'), JSON.stringify(job)], {
      cwd: ROOT, env: { ...process.env, TS_NODE_SWC: 'true', TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
    });
    let out = '';
    let stderr = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ outcomes: out.trim() ? JSON.parse(out.trim()) : undefined, code, signal, stderr }));
  });
}
