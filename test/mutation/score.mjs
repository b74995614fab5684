/**
 * The mutation score of the latest run of each part, per file and overall, from Stryker's JSON reports:
 * detected (killed or timed out) over detected and undetected (survived or not covered). Mutants that do
 * not compile and ignored ones do not count, as in Stryker's own score. `node test/mutation/score.mjs`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { PARTS } from './stryker.config.mjs';

const REPORTS = 'test/mutation/reports';
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

export function scores(parts) {
  const rows = [];
  for (const part of parts) {
    const file = `${REPORTS}/${part}.json`;
    if (!existsSync(file)) continue;
    for (const [name, { mutants }] of Object.entries(JSON.parse(readFileSync(file, 'utf8')).files)) {
      const count = (statuses) => mutants.filter((m) => statuses.has(m.status)).length;
      rows.push({ part, file: name, detected: count(DETECTED), undetected: count(UNDETECTED), ignored: count(new Set(['Ignored'])) });
    }
  }
  return rows;
}

export function printScores(parts) {
  const rows = scores(parts);
  if (!rows.length) return;
  const score = (d, u) => (d + u ? ((100 * d) / (d + u)).toFixed(2) : 'n/a');
  const total = rows.reduce((t, r) => ({ detected: t.detected + r.detected, undetected: t.undetected + r.undetected }), {
    detected: 0,
    undetected: 0,
  });
  console.log('\nscore   detected  undetected  ignored  file');
  for (const r of rows)
    console.log(
      `${score(r.detected, r.undetected).padStart(6)}  ${String(r.detected).padStart(8)}  ${String(r.undetected).padStart(10)}  ${String(r.ignored).padStart(7)}  ${r.file}`,
    );
  console.log(
    `${score(total.detected, total.undetected).padStart(6)}  ${String(total.detected).padStart(8)}  ${String(total.undetected).padStart(10)}           all files`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) printScores(Object.keys(PARTS));
