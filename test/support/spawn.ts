import { execFileSync, spawn } from 'node:child_process';
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

/** The API in its own process (test/support/api-child.ts), started through ts-node like the other children. */
export async function startApiProcess(env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register', join(ROOT, 'test/support/api-child.ts')],
    {
      cwd: ROOT,
      env: { ...process.env, TS_NODE_SWC: 'true', TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...env },
    },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(out.split('\n')[0].trim());
    });
    void exited.then((code) => reject(new Error(`the API exited (${code}) before listening: ${stderr}`)));
  });
  return {
    url,
    stderr: () => stderr,
    /** From now on no file the process writes may grow past `bytes` (RLIMIT_FSIZE): writes fail as on a full disk. */
    limitFileSize(bytes: number) {
      execFileSync('prlimit', [`--pid=${child.pid}`, `--fsize=${bytes}:${bytes}`]);
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}
