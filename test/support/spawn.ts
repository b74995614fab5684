import { ChildProcessWithoutNullStreams, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
/** Where `npm run typecheck` emits the whole project as JavaScript (see package.json). */
const BUILT = join(ROOT, 'dist', 'test-build');

interface Ended {
  stdout: string;
  stderr: string;
  code: number | null;
  signal: NodeJS.Signals | null;
}

let built: boolean | undefined;
/** Whether dist/test-build holds every source as it is now: emitted after the last change to any of them. */
function builtIsFresh(): boolean {
  if (built !== undefined) return built;
  const stamp = join(BUILT, '.tsbuildinfo');
  if (!existsSync(stamp)) return (built = false);
  const emitted = statSync(stamp).mtimeMs;
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((d) =>
      d.isDirectory()
        ? d.name !== 'node_modules' && !d.name.startsWith('.') && newer(join(dir, d.name))
        : d.name.endsWith('.ts') && statSync(join(dir, d.name)).mtimeMs > emitted,
    );
  return (built = !['apps', 'libs', 'test'].some((top) => newer(join(ROOT, top))));
}

/**
 * Starts a TypeScript entry point of the project in its own Node process: from the JavaScript that
 * `npm run typecheck` emitted when it is fresh (a process is up in a fraction of a second), else through
 * ts-node (a second or more per process), so that a test run alone, after an edit, still runs what is there.
 */
export function spawnTs(file: string, args: string[] = [], env: Record<string, string> = {}): ChildProcessWithoutNullStreams {
  const [entry, register, extraEnv] = builtIsFresh()
    ? [join(BUILT, file.replace(/\.ts$/, '.js')), ['-r', join(ROOT, 'test/support/register-built.js')], {}]
    : [
        join(ROOT, file),
        ['-r', 'ts-node/register', '-r', 'tsconfig-paths/register'],
        { TS_NODE_SWC: 'true', TS_NODE_PROJECT: join(ROOT, 'tsconfig.json') },
      ];
  return spawn(process.execPath, [...register, entry, ...args], { cwd: ROOT, env: { ...process.env, ...extraEnv, ...env } });
}

/** Runs a TypeScript entry point of the project in its own Node process. */
export function runTs(file: string, args: string[], env: Record<string, string> = {}): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawnTs(file, args, env);
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

/** The API in its own process (test/support/api-child.ts). */
export async function startApiProcess(env: Record<string, string>) {
  const child = spawnTs('test/support/api-child.ts', [], env);
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
