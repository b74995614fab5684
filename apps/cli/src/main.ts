import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import {
  BULLETIN_COLUMNS,
  Column,
  LEDGER_LAYOUTS,
  PROJECTIONS,
  ProjectionRunner,
  Row,
  buildBulletin,
  bulletin,
  bulletinFactsKnownAt,
  bulletinTable,
  isKnownAt,
  loadBulletinFacts,
  ledgerAsOf,
  named,
  queryLedger,
  toCsv,
  toMarkdown,
  toXlsx,
} from '@app/projections';
import { join } from 'node:path';
import { SingleBar } from 'cli-progress';
import { SqliteEventStore, copyHistory, eventsAfter, positionFromString } from '@app/event-store';
import { EsdbEventStore } from '@app/event-store/esdb/esdb-event-store';
import { BusinessDate, daysBetween } from '@app/domain';
import { CommandHandler } from '@app/event-store';
import { Programme, RiskRegister } from '@app/programme';
import { PROFILES, checkCalibration, simulate } from '@app/simulation';
import { CliContext, month, openContext, withProgress } from './context';
import { authCommands } from './auth-commands';
import { auditCommands } from './audit-commands';
import { eventView } from '../../api/src/http/views';

const FORMATS = ['json', 'csv', 'xlsx', 'md'] as const;
type Format = (typeof FORMATS)[number];

const date = (v: string) => {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) throw new InvalidArgumentError('a date looks like 2011-06-30');
  return v;
};
const instant = (v: string) => {
  if (!isKnownAt(v))
    throw new InvalidArgumentError('a time with its zone, such as 2011-07-01T08:00:00+08:00 (for the end of a business date, use --as-of)');
  return v;
};

async function output(
  format: Format,
  out: string | undefined,
  title: string,
  subtitle: string,
  columns: Column[],
  rows: Row[],
  json: unknown,
) {
  const content =
    format === 'json'
      ? `${JSON.stringify(json, null, 2)}\n`
      : format === 'csv'
        ? toCsv(columns, rows)
        : format === 'md'
          ? toMarkdown(`${title} ${subtitle}`, columns, rows)
          : await toXlsx(title, subtitle, columns, rows);
  if (out) writeFileSync(out, content);
  else if (format === 'xlsx') throw new Error('An XLSX workbook needs a file: add --out FILE.xlsx');
  else process.stdout.write(content);
}

/** Runs a command with the stores open, and closes them whatever happens. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- commander passes each command's own argument types
function using(work: (ctx: CliContext, ...args: any[]) => Promise<void>) {
  return async (...args: unknown[]) => {
    const ctx = await openContext();
    try {
      await work(ctx, ...args);
    } finally {
      await ctx.close();
    }
  };
}

const program = new Command('loans').description('Guaranteed start-up loans: ledgers, bulletin and projections from the command line.');
const formatOption = () => new Option('--format <format>', 'output format').choices(FORMATS).default('md');

program
  .command('rebuild')
  .argument('[projection]', `one of ${PROJECTIONS.map((p) => p.name).join(', ')}; all when left out`)
  .option('--quiet', 'no progress bar')
  .description('Rebuild projections from the first event into new tables, swapped in when done.')
  .action(
    using(async (ctx, projection: string | undefined, opts: { quiet?: boolean }) => {
      await withProgress(ctx, 'Rebuilding', () => ctx.runner.rebuild(projection), !!opts.quiet);
      for (const s of ctx.runner.status())
        if (!projection || s.name === projection) console.error(`${s.name}: ${s.processed} events, generation ${s.generation}`);
    }),
  );

program
  .command('bulletin')
  .description('The monthly provincial bulletin (每月通报).')
  .requiredOption('--month <YYYY-MM>', 'the month', month)
  .option('--region <code>', 'a region and the regions under it', '360000')
  .option('--known-at <time>', 'as the system knew it at this time', instant)
  .addOption(formatOption())
  .option('--out <file>', 'write to a file')
  .option('--quiet', 'no progress bar')
  .action(
    using(async (ctx, opts: { month: string; region: string; knownAt?: string; format: Format; out?: string; quiet?: boolean }) => {
      if (!ctx.rules.reference.region(opts.region)) throw new Error(`There is no region with code ${opts.region}.`);
      await withProgress(ctx, 'Catching up', () => ctx.runner.start(), !!opts.quiet);
      const facts = opts.knownAt
        ? await bulletinFactsKnownAt(ctx.store, ctx.readStore, opts.month, new Date(opts.knownAt))
        : await loadBulletinFacts(ctx.readStore, opts.month);
      const rows = buildBulletin(facts, ctx.rules.reference, opts.month).filter(
        (r) => r.regionCode === opts.region || r.parentCode === opts.region,
      );
      const region = ctx.rules.reference.region(opts.region)!.name;
      await output(opts.format, opts.out, `${opts.month} 小额担保贷款工作通报`, region, BULLETIN_COLUMNS, bulletinTable(rows), rows);
    }),
  );

program
  .command('ledger')
  .description('A ledger: business, funds, fund-movements, subsidy-loans, subsidy-banks, journal.')
  .argument('<name>', 'the ledger')
  .option('--as-of <date>', 'as it stood at the end of this business date', date)
  .option('--known-at <time>', 'as the system knew it at this time', instant)
  .addOption(formatOption())
  .option('--out <file>', 'write to a file')
  .option('--quiet', 'no progress bar')
  .action(
    using(async (ctx, name: string, opts: { asOf?: string; knownAt?: string; format: Format; out?: string; quiet?: boolean }) => {
      const layout = LEDGER_LAYOUTS[name];
      if (!layout) throw new Error(`There is no ledger ${name}; there are ${Object.keys(LEDGER_LAYOUTS).join(', ')}.`);
      const p = PROJECTIONS.find((x) => x.tables.some((t) => t.name === layout.table))!;
      await withProgress(ctx, 'Catching up', () => ctx.runner.start(), !!opts.quiet);
      const { rows } =
        opts.asOf || opts.knownAt
          ? await ledgerAsOf(
              ctx.store,
              ctx.readStore,
              p,
              layout.table,
              { businessDate: opts.asOf, knownAt: opts.knownAt ? new Date(opts.knownAt) : undefined },
              { unpaged: true },
            )
          : await queryLedger(ctx.readStore, p, layout.table, { unpaged: true });
      const subtitle = [opts.asOf && `截至 ${opts.asOf}`, opts.knownAt && `按 ${opts.knownAt} 所知`].filter(Boolean).join(' ') || '当前';
      const shown = ctx.personalData.revealRows(rows);
      const inWords = opts.format === 'json' ? shown : named(layout.columns, shown, ctx.rules.reference);
      await output(opts.format, opts.out, layout.title, subtitle, layout.columns, inWords, shown);
    }),
  );

program
  .command('simulate')
  .description("Generate a programme's history through the commands, deterministically for a seed.")
  .option('--profile <name>', `one of ${Object.keys(PROFILES).join(', ')}`, 'small')
  .option('--seed <n>', 'the seed', (v) => Number(v), 1)
  .option('--quiet', 'no progress bar')
  .action(
    using(async (ctx, opts: { profile: string; seed: number; quiet?: boolean }) => {
      const profile = PROFILES[opts.profile];
      if (!profile) throw new Error(`There is no profile ${opts.profile}; there are ${Object.keys(PROFILES).join(', ')}.`);
      if (ctx.store instanceof SqliteEventStore && ctx.store.headPosition().commit > 0n)
        throw new Error('The event store already holds events: simulate into an empty one (set EVENT_STORE_PATH).');
      // The simulation is the store's sole writer from empty: risk control's register hears of every loan from it.
      const handler = new CommandHandler(ctx.store, ctx.rules, { maxAttempts: 12, cacheSize: 100_000 });
      const programme = new Programme(handler, undefined, RiskRegister.forSoleWriter(ctx.store));
      const days = daysBetween(`${profile.from}-01` as BusinessDate, `${profile.to}-28` as BusinessDate) + 3;
      const tty = !opts.quiet && process.stderr.isTTY;
      const bar = tty
        ? new SingleBar({ format: 'Simulating [{bar}] {percentage}% | {date} | {commands} commands', stream: process.stderr })
        : undefined;
      let day = 0;
      const started = Date.now();
      const report = await simulate(programme, profile, opts.seed, {
        onStep: (step) => {
          if (step === 'history') bar?.start(days, 0, { date: '', commands: 0 });
          else if (!opts.quiet) console.error(`${step}…`);
        },
        onDay: (date, r) => {
          bar?.update(++day, { date, commands: r.commands });
          if (!tty && !opts.quiet && date.endsWith('-12-31')) console.error(`${date}: ${r.commands} commands`);
        },
      });
      bar?.stop();
      console.error(
        `${report.loans} loans, ${report.commands} commands to ${report.lastDate} in ${Math.round((Date.now() - started) / 1000)} s; refused: ${JSON.stringify(report.refused)}`,
      );
      if (Object.keys(report.refused).length) process.exitCode = 1;
    }),
  );

program
  .command('check-calibration')
  .description("Compare the province row of the bulletin at the calibration date with the profile's calibration file.")
  .option('--profile <name>', 'a profile with a calibration file', 'jiangxi-2002-2011')
  .option('--quiet', 'no progress bar')
  .action(
    using(async (ctx, opts: { profile: string; quiet?: boolean }) => {
      const calibration = PROFILES[opts.profile]?.calibration;
      if (!calibration) throw new Error(`The profile ${opts.profile} has no calibration file.`);
      const runner = new ProjectionRunner(ctx.store, ctx.readStore, [bulletin]); // the bulletin is all it reads
      if (!opts.quiet) console.error('Building the bulletin projection…');
      await runner.start();
      await runner.stop();
      const month = calibration.asOf.slice(0, 7);
      const province = buildBulletin(await loadBulletinFacts(ctx.readStore, month), ctx.rules.reference, month).find(
        (r) => r.level === 'province',
      )!;
      const lines = checkCalibration(province, calibration);
      const columns: Column[] = [
        { key: 'figure', label: 'figure', format: 'text' },
        { key: 'expected', label: 'calibration', format: 'count' },
        { key: 'actual', label: `bulletin ${month}`, format: 'count' },
        { key: 'tolerance', label: '±', format: 'count' },
        { key: 'ok', label: 'ok', format: 'text' },
      ];
      process.stdout.write(
        toMarkdown(
          `Calibration of ${opts.profile} (amounts in fen, the rate in basis points)`,
          columns,
          lines.map((l) => ({ ...l, ok: l.ok ? 'yes' : 'NO' })),
        ),
      );
      const off = lines.filter((l) => !l.ok);
      console.error(
        off.length ? `${off.length} figures are off: ${off.map((l) => l.figure).join(', ')}` : `All ${lines.length} figures match.`,
      );
      if (off.length) process.exitCode = 1;
    }),
  );

program
  .command('copy-to-eventstoredb')
  .description('Copy the whole history from the embedded file to EventStoreDB; run it again to resume.')
  // A password in an argument is seen by every user of the machine (ps) and kept in shell history: the environment's
  // is taken when --to is not given (and, unlike a default, never printed by --help).
  .addOption(
    new Option('--to <connection>', 'EventStoreDB connection string, e.g. esdb://node1:2113?tls=true')
      .env('EVENTSTORE_CONNECTION_STRING')
      .makeOptionMandatory(),
  )
  .option('--from <file>', 'the embedded store', process.env.EVENT_STORE_PATH ?? join(process.cwd(), 'data', 'events.db'))
  .action(async (opts: { to: string; from: string }) => {
    const source = new SqliteEventStore({ path: opts.from });
    const target = new EsdbEventStore(opts.to);
    const total = Number(source.headPosition().commit);
    const bar = process.stderr.isTTY
      ? new SingleBar({ format: 'Copying [{bar}] {percentage}% | {copied} events', stream: process.stderr })
      : undefined;
    bar?.start(Math.max(total, 1), 0, { copied: 0 });
    try {
      // The embedded store's positions are row numbers: good enough for a progress bar.
      const done = await copyHistory(source, target, {
        onProgress: (p) => bar?.update(Number(positionFromString(p.lastPosition!).commit), { copied: p.copied }),
      });
      bar?.stop();
      console.error(`Copied ${done.copied} events; the target is up to date with ${opts.from}.`);
    } finally {
      bar?.stop();
      await target.close();
      await source.close();
    }
  });

program
  .command('export')
  .argument('<what>', 'events: the whole history in global order')
  .addOption(new Option('--format <format>', 'output format').choices(['ndjson']).default('ndjson'))
  .option('--from <position>', 'start after this position (the last one you have), e.g. 1042/1042')
  .description("Write the history to stdout, one event per line with its metadata and position, as the API's feed shows it.")
  .action(
    using(async (ctx, what: string, opts: { from?: string }) => {
      if (what !== 'events') throw new InvalidArgumentError(`Nothing called "${what}" to export; try: export events`);
      const from = opts.from === undefined ? 'start' : positionFromString(opts.from);
      for await (const page of eventsAfter(ctx.store, from)) {
        const lines = ctx.personalData.revealJson(page.map((e) => `${JSON.stringify(eventView(e))}\n`).join(''));
        // Waits when stdout is a slow pipe, so memory stays one page whatever the history's length.
        if (!process.stdout.write(lines)) await new Promise((resolve) => process.stdout.once('drain', resolve));
      }
    }),
  );

program.addCommand(authCommands());
program.addCommand(auditCommands());

program.parseAsync().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
