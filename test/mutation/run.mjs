/**
 * `npm run mutation [-- <part>…] [-- <Stryker options>]`: runs each part of the mutation testing (all of
 * them unless some are named; see stryker.config.mjs) one after the other. The projection specs need a
 * PostgreSQL, which Jest's global setup cannot give them (Stryker runs Jest once per mutant): it is started
 * once here, and stopped at the end.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import setup from '../support/postgres.global-setup.mjs';
import teardown from '../support/postgres.global-teardown.mjs';
import { printScores } from './score.mjs';
import { PARTS as CONFIGURED } from './stryker.config.mjs';

const PARTS = Object.keys(CONFIGURED);
const NEEDS_POSTGRES = new Set(['runner']);
const stryker = join(dirname(createRequire(import.meta.url).resolve('@stryker-mutator/core/package.json')), 'bin/stryker.js');

const args = process.argv.slice(2);
const named = args.filter((a) => PARTS.includes(a));
const options = args.filter((a) => !PARTS.includes(a));
const parts = named.length ? named : PARTS;

let child;
let stopped = false;
// CTRL-C reaches Stryker as well; a SIGTERM is passed on. Either way Stryker cleans up, no further part
// starts, and PostgreSQL is stopped.
process
  .on('SIGINT', () => (stopped = true))
  .on('SIGTERM', () => {
    stopped = true;
    child?.kill('SIGTERM');
  });

if (parts.some((p) => NEEDS_POSTGRES.has(p))) await setup();
let failed = 0;
for (const part of parts) {
  if (stopped) break;
  console.log(`\n=== mutation testing: ${part} ===`);
  child = spawn(process.execPath, [stryker, 'run', 'test/mutation/stryker.config.mjs', ...options], {
    stdio: 'inherit',
    env: { ...process.env, MUTATION_PART: part },
  });
  failed = await new Promise((resolve) =>
    child.on('exit', (status, signal) => {
      if (signal) console.error(`Stryker (${part}) was stopped by ${signal}`);
      resolve(status ?? 1);
    }),
  );
  if (failed) break;
}
await teardown();
printScores(parts);
process.exit(failed || (stopped ? 130 : 0));
