import {
  Fen,
  LoanEvent,
  LoanSubsidyFacts,
  Quarter,
  SubsidyCommand,
  SubsidyItem,
  SubsidyState,
  loanDecider,
  loanStream,
  subsidyStream,
} from '@app/domain';
import { CommandEnvelope, CommandHandler, Handled } from '@app/event-store';
import { outOfRange } from '@app/event-store/command/command-errors';
import { DECIDERS } from './deciders';

/**
 * How many loans one part of a subsidy claim lists. EventStoreDB takes at most 1 MiB in one append (the
 * embedded store refuses the same), and a claim lists every loan of a bank that earned subsidy in the
 * quarter. A full part, with loan ids of the 64 characters the API takes at 4 bytes each and the largest
 * amounts, is about 600 KB with its metadata; with the UUIDs loans have, about 150 KB (subsidy-claim-size.spec).
 */
export const CLAIM_ITEMS_PER_PART = 2_000;

export interface ClaimData {
  claimId: string;
  bankCode: string;
  quarter: Quarter;
  items: SubsidyItem[];
}
type ClaimCommand = Extract<SubsidyCommand, { type: 'ClaimSubsidy' }>;

/** Part k's command id follows from the request's, so a retry of the request finds the parts already recorded. */
export const claimPartCommandId = (commandId: string, part: number) => `${commandId}:part:${part}`;

/**
 * Records a claim: in one command as it always was when it fits in one part, else in parts, in order, each
 * its own command and append. The whole claim is first decided on the stream as it stands, so a claim the
 * rules refuse (a loan in two parts, one past what is due) records no part at all. A request interrupted
 * between parts (a crash, a lost connection) is finished by sending it again with the same id: the parts
 * recorded are answered as duplicates and the others recorded. The answer is the last part's, with the
 * events of every part.
 */
export async function recordClaim(
  handler: CommandHandler,
  data: ClaimData,
  env: CommandEnvelope,
  itemsPerPart = CLAIM_ITEMS_PER_PART,
): Promise<Handled<SubsidyState>> {
  const stream = subsidyStream(data.bankCode, data.quarter);
  if (data.items.length <= itemsPerPart) {
    const dueByLoan = await subsidyDue(handler, data.items, data.quarter);
    return handler.handle(stream, DECIDERS.subsidy, { type: 'ClaimSubsidy', ...data, dueByLoan }, env);
  }
  const parts: Array<{ command: ClaimCommand; env: CommandEnvelope }> = [];
  const count = Math.ceil(data.items.length / itemsPerPart);
  for (let part = 1; part <= count; part++) {
    const items = data.items.slice((part - 1) * itemsPerPart, part * itemsPerPart);
    const dueByLoan = await subsidyDue(handler, items, data.quarter);
    parts.push({
      command: { type: 'ClaimSubsidy', ...data, items, part, parts: count, dueByLoan },
      // Every part is caused by the one request, and correlates with it.
      env: {
        ...env,
        commandId: claimPartCommandId(env.commandId, part),
        correlationId: env.correlationId ?? env.commandId,
        causationId: env.causationId ?? env.commandId,
      },
    });
  }
  await decideWhole(handler, stream, parts);
  const handled: Array<Handled<SubsidyState>> = [];
  for (const { command, env } of parts) handled.push(await handler.handle(stream, DECIDERS.subsidy, command, env));
  const last = handled[handled.length - 1];
  return { ...last, appended: handled.flatMap((h) => h.appended), duplicate: handled.every((h) => h.duplicate) };
}

/**
 * Decides every part not yet recorded, in order, on the stream's current state, without recording
 * anything: a refusal of any part refuses the claim before its first part is written. While the parts go
 * in, the rules file no other claim on the stream, so the parts decide the same when they are recorded.
 */
async function decideWhole(handler: CommandHandler, stream: string, parts: Array<{ command: ClaimCommand; env: CommandEnvelope }>) {
  const decider = DECIDERS.subsidy;
  const loaded = await handler.load(stream, decider);
  let state = loaded.state;
  for (const { command, env } of parts) {
    if (loaded.commands.has(env.commandId)) continue; // recorded by an earlier attempt: the handler answers it
    try {
      state = decider.decide(command, state, handler.context(env.businessDate)).reduce(decider.evolve, state);
    } catch (error) {
      throw error instanceof RangeError ? outOfRange(error) : error;
    }
  }
}

/**
 * What each loan's repayments made due in the quarter, and its bank, from the loans' own streams: in one
 * read where the store can (a claim lists thousands of loans), else stream by stream.
 */
async function subsidyDue(handler: CommandHandler, items: SubsidyItem[], quarter: Quarter) {
  const read = handler.store.readStreams ? await handler.store.readStreams(items.map((i) => loanStream(i.loanId))) : undefined;
  const dueByLoan: Record<string, LoanSubsidyFacts> = {};
  for (const item of items) {
    const events = read?.get(loanStream(item.loanId));
    const state = events
      ? events.reduce((s, e) => loanDecider.evolve(s, { type: e.type, data: e.data } as LoanEvent), loanDecider.initialState())
      : (await handler.load(loanStream(item.loanId), loanDecider)).state;
    const due = state.subsidyDue[quarter];
    dueByLoan[item.loanId] = {
      bankCode: state.application?.bankCode,
      central: due?.central ?? (0 as Fen),
      local: due?.local ?? (0 as Fen),
    };
  }
  return dueByLoan;
}
