import { createPublicKey } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { SingleBar } from 'cli-progress';
import {
  HistoryDigest,
  SqliteEventStore,
  proveConsistency,
  proveInclusion,
  publicKeyPem,
  recordedDigest,
  recordedDigests,
  sealMonth,
  verifyHistory,
} from '@app/event-store';
import { PROJECTIONS, ProjectionDifference, compareWithRebuild, replayPublications } from '@app/projections';
import { loadConfig } from '../../api/src/config';
import { loadSigningKey } from '../../api/src/audit/signing-key';
import { CliContext, month, openContext } from './context';

function signingKey() {
  const config = loadConfig();
  const key = loadSigningKey(config.auditSigningKeyFile, process.env.NODE_ENV !== 'production');
  if (!key) throw new Error('No audit signing key is configured: set AUDIT_SIGNING_KEY_FILE to the PKCS#8 PEM file of an Ed25519 key');
  return key;
}

async function withContext(work: (ctx: CliContext) => Promise<void>) {
  const ctx = await openContext();
  try {
    await work(ctx);
  } finally {
    await ctx.close();
  }
}

function write(out: string | undefined, value: unknown) {
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (out) writeFileSync(out, text);
  else process.stdout.write(text);
}

async function digestOf(ctx: CliContext, m: string): Promise<HistoryDigest> {
  const digest = await recordedDigest(ctx.store, m);
  if (!digest) throw new Error(`${m} has not been sealed: there is no digest of it (audit seal --month ${m})`);
  return digest;
}

/** A progress bar over the embedded store's events, on stderr (positions there are row numbers); nothing otherwise. */
function progressBar(ctx: CliContext, quiet: boolean) {
  if (quiet || !process.stderr.isTTY || !(ctx.store instanceof SqliteEventStore)) return { update: () => undefined, stop: () => undefined };
  const bar = new SingleBar({
    format: 'Verifying [{bar}] {percentage}% | {value}/{total} events | {eta_formatted} left',
    stream: process.stderr,
  });
  bar.start(Number(ctx.store.headPosition().commit), 0);
  return { update: (n: number) => n % 1000 === 0 && bar.update(n), stop: () => bar.stop() };
}

/** A row that differs, by the columns that differ: what the live table holds and what the history gives. */
function differenceText(d: ProjectionDifference): string {
  const where = `${d.projection}, table ${d.table}, row ${JSON.stringify(d.key.split('\u001f').join(' / '))}`;
  if (!d.live) return `${where} is missing from the live table`;
  if (!d.rebuilt) return `${where} is in the live table but does not follow from the history`;
  const columns = Object.keys(d.rebuilt).filter((c) => JSON.stringify(d.live![c]) !== JSON.stringify(d.rebuilt![c]));
  return `${where}: ${columns.map((c) => `${c} is ${JSON.stringify(d.live![c])} where the history gives ${JSON.stringify(d.rebuilt![c])}`).join('; ')}`;
}

/** The auditors' commands: the signing key's public half, sealing a month, the digests, the verifier and proofs. */
export function auditCommands(): Command {
  const audit = new Command('audit').description('Tamper evidence: signed monthly digests of the history, its verifier and proofs.');
  audit
    .command('public-key')
    .description("The public key (SPKI PEM) the programme's digests are signed with: what auditors check signatures against.")
    .action(() => void process.stdout.write(publicKeyPem(signingKey().publicKey)));
  audit
    .command('seal')
    .description("Seal a month: sign the Merkle root of the whole history as it stands and record it as the month's digest.")
    .requiredOption('--month <YYYY-MM>', 'the month that ended', month)
    .action((opts: { month: string }) =>
      withContext(async (ctx) => {
        const { digest, recorded } = await sealMonth(ctx.store, signingKey(), opts.month);
        if (!recorded) console.error(`${opts.month} was sealed before: this is its digest.`);
        write(undefined, digest);
      }),
    );
  audit
    .command('digests')
    .description('Every digest recorded, oldest first: the copies auditors keep.')
    .option('--out <file>', 'write to a file')
    .action((opts: { out?: string }) => withContext(async (ctx) => write(opts.out, await recordedDigests(ctx.store))));
  audit
    .command('verify')
    .description(
      'Replay the whole history: recompute every hash chain and every digest, and check them against the signed digests; ' +
        'then rebuild every projection from the first event and compare it with the live tables, row by row.',
    )
    .option(
      '--digests <file>',
      "the auditor's own copies of the digests (JSON, as `audit digests` writes them); the history's own when left out",
    )
    .option('--public-key <file>', "the programme's public key (PEM); this installation's when left out")
    .option('--skip-projections', 'check the history only')
    .option('--quiet', 'no progress bar')
    .action((opts: { digests?: string; publicKey?: string; skipProjections?: boolean; quiet?: boolean }) =>
      withContext(async (ctx) => {
        const publicKey = opts.publicKey ? createPublicKey(readFileSync(opts.publicKey, 'utf8')) : signingKey().publicKey;
        const digests = opts.digests ? (JSON.parse(readFileSync(opts.digests, 'utf8')) as HistoryDigest[]) : undefined;
        const bar = progressBar(ctx, !!opts.quiet);
        const report = await verifyHistory(ctx.store, { publicKey, digests, onProgress: bar.update }).finally(bar.stop);
        console.log(`History: ${report.events} events in ${report.streams} streams.`);
        for (const d of report.digests) console.log(`Digest of ${d.month} (${d.treeSize} events): ${d.holds ? 'holds' : 'DOES NOT HOLD'}`);
        for (const p of report.problems) console.log(`PROBLEM (${p.kind}): ${p.message}`);
        let failed = report.problems.length > 0;
        if (!opts.skipProjections) {
          const scratch = join(tmpdir(), `loans-verify-${process.pid}-${Date.now()}.db`);
          try {
            if (!opts.quiet) console.error('Rebuilding every projection from the first event to compare…');
            const comparison = await compareWithRebuild(ctx.store, ctx.readStore, PROJECTIONS, scratch);
            console.log(`Projections: ${comparison.rows} rows compared with a rebuild from the first event.`);
            if (!comparison.samePosition)
              console.log('PROBLEM: the history kept growing; the live and rebuilt tables were not compared at one place.');
            for (const d of comparison.differences) console.log(`PROBLEM (projection): ${differenceText(d)}`);
            failed ||= !comparison.samePosition || comparison.differences.length > 0;
          } finally {
            for (const suffix of ['', '-wal', '-shm']) rmSync(scratch + suffix, { force: true });
          }
        }
        console.log(failed ? 'The audit found problems.' : 'The history and every projection check out.');
        if (failed) process.exitCode = 1;
      }),
    );
  audit
    .command('replay-bulletin')
    .description("Rebuild each publication of a month's bulletin from the history known when it was published, and compare its bytes' hash")
    .requiredOption('--month <YYYY-MM>', 'a published month', month)
    .action((opts: { month: string }) =>
      withContext(async (ctx) => {
        const replays = await replayPublications(ctx.store, ctx.readStore, ctx.rules.reference, opts.month);
        if (!replays.length) throw new Error(`The bulletin of ${opts.month} has not been published.`);
        for (const { publication, reproducedHash, same } of replays)
          console.log(
            `Published ${publication.knownAt}: ${same ? 'reproduced byte for byte' : `DIFFERS (published ${publication.contentHash}, rebuilt ${reproducedHash})`}`,
          );
        if (replays.some((r) => !r.same)) process.exitCode = 1;
      }),
    );
  audit
    .command('prove')
    .description("Prove an event included in the history a month's digest signed (check it with apps/cli/audit/verify-proof.mjs).")
    .requiredOption('--event <id>', "the event's id")
    .requiredOption('--month <YYYY-MM>', 'a sealed month', month)
    .option('--out <file>', 'write to a file')
    .action((opts: { event: string; month: string; out?: string }) =>
      withContext(async (ctx) => write(opts.out, await proveInclusion(ctx.store, opts.event, await digestOf(ctx, opts.month)))),
    );
  audit
    .command('prove-consistency')
    .description("Prove that a later month's digest extends an earlier one's history unchanged.")
    .requiredOption('--from <YYYY-MM>', 'the earlier sealed month', month)
    .requiredOption('--to <YYYY-MM>', 'the later sealed month', month)
    .option('--out <file>', 'write to a file')
    .action((opts: { from: string; to: string; out?: string }) =>
      withContext(async (ctx) =>
        write(opts.out, await proveConsistency(ctx.store, await digestOf(ctx, opts.from), await digestOf(ctx, opts.to))),
      ),
    );
  return audit;
}
