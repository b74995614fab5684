import { BusinessDate, JIANGXI_POLICIES, JIANGXI_REFERENCE, LoanCommand, ReferenceData, SYSTEM_ACTOR, bp, yuan } from '@app/domain';
import { CommandEnvelope, CommandHandler, EventStore, SqliteEventStore } from '@app/event-store';
import { Programme } from '@app/programme';

/** The use cases over a store, as the API wires them, for tests that work below HTTP. */
export function programmeOn(store: EventStore) {
  const handler = new CommandHandler(store, { policies: JIANGXI_POLICIES, reference: new ReferenceData(JIANGXI_REFERENCE) });
  return { handler, programme: new Programme(handler) };
}

export const openFile = (path: string) => new SqliteEventStore({ path, pollIntervalMs: 20 });

export const envelope = (commandId: string, businessDate: string): CommandEnvelope => ({
  commandId,
  actor: { ...SYSTEM_ACTOR, userId: 'test', role: 'centre_clerk' },
  businessDate: businessDate as BusinessDate,
});

export const applicationData = (
  loanId: string,
  borrowerId: string,
  amountYuan = 50_000,
): Extract<LoanCommand, { type: 'ApplyForLoan' }>['data'] => ({
  loanId,
  borrowerId,
  maskedIdNumber: '360721********0000',
  categories: ['woman'],
  kind: 'individual',
  project: { name: 'p', industry: 'i' },
  microProfit: true,
  amount: yuan(amountYuan),
  termMonths: 12,
  countyCode: '360721',
  centreId: 'GC-360721',
  branchId: 'ABC-360721',
  counterGuarantee: { mode: 'third_party_guarantor' },
  personsSupported: 1,
  jobsPlanned: 1,
});

export const guaranteeData = (amountYuan = 50_000) => ({
  guaranteedAmount: yuan(amountYuan),
  feeRate: bp(100),
  feePaidBy: 'finance' as const,
});

/**
 * The store as EventStoreDB takes writes, one stream at a time (no `appendToStreams`): cross-stream
 * commands take their steps, so what only happens between steps can be made to happen on SQLite.
 */
export function inSteps<S extends EventStore>(store: S): S {
  return new Proxy(store, {
    get(target, key) {
      if (key === 'appendToStreams') return undefined;
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
