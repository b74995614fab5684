import {
  BorrowerCommand,
  BusinessDate,
  Decider,
  DomainEvent,
  Fen,
  JIANGXI_POLICIES,
  JIANGXI_REFERENCE,
  ReferenceData,
  SYSTEM_ACTOR,
  TargetCommand,
  borrowerDecider,
  borrowerStream,
  fen,
  targetDecider,
  targetStream,
  yuan,
} from '@app/domain';
import {
  CommandEnvelope,
  CommandHandler,
  EventContractError,
  EventStore,
  ExpectedRevision,
  SqliteEventStore,
  WrongExpectedVersionError,
  eventIdFor,
} from '../src';

/**
 * fold → decide → append with the revision folded, through the borrower's rule "one open loan per person".
 * Two handlers on one store stand for two processes: each keeps its own cache of the streams it has seen.
 */
const rules = { policies: JIANGXI_POLICIES, reference: new ReferenceData(JIANGXI_REFERENCE) };
const stream = borrowerStream('P');
const open = (loanId: string): BorrowerCommand => ({ type: 'OpenLoan', borrowerId: 'P', loanId });
const close = (loanId: string): BorrowerCommand => ({ type: 'CloseLoan', borrowerId: 'P', loanId, outcome: 'settled' });
const target = (loans: number): TargetCommand => ({
  type: 'SetAnnualTarget',
  regionCode: '360700',
  year: 2011,
  loans,
  amount: yuan(1_000),
});
const clerk = { ...SYSTEM_ACTOR, userId: 'clerk-1', role: 'centre_clerk' as const };
const envelope = (commandId: string, over: Partial<CommandEnvelope> = {}): CommandEnvelope => ({
  commandId,
  actor: clerk,
  businessDate: '2011-01-05' as BusinessDate,
  ...over,
});

/** The store, with its appends going through `append` first. */
const wrap = (inner: EventStore, append: EventStore['appendToStream']): EventStore => ({
  appendToStream: append,
  readStream: (name, options) => inner.readStream(name, options),
  readAll: (options) => inner.readAll(options),
  subscribeToAll: (options) => inner.subscribeToAll(options),
  close: () => inner.close(),
});

describe('the command handler', () => {
  let store: SqliteEventStore;
  beforeEach(() => {
    store = new SqliteEventStore({ path: ':memory:' });
  });
  afterEach(() => store.close());

  const events = async () => (await store.readStream(stream)).map((e) => [e.type, (e.data as { loanId: string }).loanId]);

  describe('appends with the exact revision it decided on', () => {
    it("expects no stream for a stream it found empty, and the stream's last revision after that", async () => {
      const expected: ExpectedRevision[] = [];
      const seen = wrap(store, (name, events, options) => {
        expected.push(options.expectedRevision);
        return store.appendToStream(name, events, options);
      });
      const handler = new CommandHandler(seen, rules);
      await handler.handle(stream, borrowerDecider, open('L1'), envelope('open-1'));
      await handler.handle(stream, borrowerDecider, close('L1'), envelope('close-1'));
      await new CommandHandler(seen, rules).handle(stream, borrowerDecider, open('L2'), envelope('open-2'));
      expect(expected).toEqual(['no_stream', 0n, 1n]);
    });

    it('refuses what another process made impossible since it looked, when it last saw no stream', async () => {
      const a = new CommandHandler(store, rules);
      const b = new CommandHandler(store, rules);
      await a.load(stream, borrowerDecider); // a knows the borrower without a loan
      await b.handle(stream, borrowerDecider, open('L1'), envelope('open-1'));
      await expect(a.handle(stream, borrowerDecider, open('L2'), envelope('open-2'))).rejects.toMatchObject({
        code: 'BORROWER.HAS_OPEN_LOAN',
      });
      expect(await events()).toEqual([['BorrowerLoanOpened', 'L1']]);
    });

    it('decides again on what another process appended since it last looked at an existing stream', async () => {
      const a = new CommandHandler(store, rules);
      const b = new CommandHandler(store, rules);
      await a.handle(stream, borrowerDecider, open('L1'), envelope('open-1')); // a knows L1 open
      await b.handle(stream, borrowerDecider, close('L1'), envelope('close-1'));
      await b.handle(stream, borrowerDecider, open('L2'), envelope('open-2'));
      // On what a knew, closing L1 closes the open loan; on the stream as it stands, L1 is closed already.
      const handled = await a.handle(stream, borrowerDecider, close('L1'), envelope('close-1-again'));
      expect(handled.appended).toEqual([]);
      expect(handled.state.openLoanId).toBe('L2');
      expect(await events()).toEqual([
        ['BorrowerLoanOpened', 'L1'],
        ['BorrowerLoanClosed', 'L1'],
        ['BorrowerLoanOpened', 'L2'],
      ]);
    });

    it('decides again on what another process appended when what it knew left nothing to do', async () => {
      const a = new CommandHandler(store, rules);
      const b = new CommandHandler(store, rules);
      const targets = targetStream('360700', 2011);
      await a.handle(targets, targetDecider, target(3000), envelope('set-1'));
      await b.handle(targets, targetDecider, target(3500), envelope('set-2'));
      // a last knew 3000, so setting 3000 again looked like nothing to do: the revision back must not be lost.
      const handled = await a.handle(targets, targetDecider, target(3000), envelope('set-3'));
      expect(handled.appended.map((e) => e.data)).toEqual([expect.objectContaining({ loans: 3000 })]);
      expect((await store.readStream(targets)).map((e) => (e.data as { loans: number }).loans)).toEqual([3000, 3500, 3000]);
    });

    it('answers as a duplicate when a twin of the command in another process recorded it first', async () => {
      const a = new CommandHandler(store, rules);
      await a.load(stream, borrowerDecider);
      const twin = await new CommandHandler(store, rules).handle(stream, borrowerDecider, open('L1'), envelope('open-1'));
      const handled = await a.handle(stream, borrowerDecider, open('L1'), envelope('open-1'));
      expect(handled).toMatchObject({ duplicate: true, revision: 0n });
      expect(handled.appended).toEqual(twin.appended);
      expect(await events()).toEqual([['BorrowerLoanOpened', 'L1']]);
    });

    it('reads back what it appended when the store does not return it', async () => {
      const silent = wrap(store, async (name, events, options) => ({
        ...(await store.appendToStream(name, events, options)),
        recorded: undefined,
      }));
      const handler = new CommandHandler(silent, rules);
      const opened = await handler.handle(stream, borrowerDecider, open('L1'), envelope('open-1'));
      const closed = await handler.handle(stream, borrowerDecider, close('L1'), envelope('close-1'));
      expect([...opened.appended, ...closed.appended]).toEqual(await store.readStream(stream));
      expect(closed.appended.map((e) => e.revision)).toEqual([1n]);
    });

    it('gives up with COMMAND.TOO_MUCH_CONTENTION when the stream keeps moving', async () => {
      let attempts = 0;
      const contended = wrap(store, async (name) => {
        attempts++;
        throw new WrongExpectedVersionError(name, 'no_stream', 0n);
      });
      const handler = new CommandHandler(contended, rules, { maxAttempts: 3, cacheSize: 10 });
      await expect(handler.handle(stream, borrowerDecider, open('L1'), envelope('open-1'))).rejects.toMatchObject({
        code: 'COMMAND.TOO_MUCH_CONTENTION',
        kind: 'conflict',
      });
      expect(attempts).toBe(3);
    });
  });

  it('refuses a figure too large to decide on exactly as bad input, appending nothing', async () => {
    // The rule adds up figures past what a number holds exactly: `fen` refuses the sum with a RangeError.
    const overflowing: typeof targetDecider = {
      ...targetDecider,
      decide: (c, st, ctx) => targetDecider.decide({ ...c, amount: fen(2 ** 53) }, st, ctx),
    };
    await expect(new CommandHandler(store, rules).handle(stream, overflowing, target(1), envelope('big'))).rejects.toMatchObject({
      code: 'COMMAND.NUMBER_OUT_OF_RANGE',
      kind: 'invalid',
    });
    expect(await events()).toEqual([]);
  });

  describe('keeps the streams it has seen', () => {
    it('answers a peek from what it last knew, and a load from the stream as it stands', async () => {
      const a = new CommandHandler(store, rules);
      await a.load(stream, borrowerDecider);
      await new CommandHandler(store, rules).handle(stream, borrowerDecider, open('L1'), envelope('open-1'));
      expect((await a.peek(stream, borrowerDecider)).state.openLoanId).toBeUndefined();
      expect((await a.load(stream, borrowerDecider)).state.openLoanId).toBe('L1');
      expect((await new CommandHandler(store, rules).peek(stream, borrowerDecider)).state.openLoanId).toBe('L1');
    });

    it('keeps at most as many streams as it is allowed, forgetting the one used longest ago', async () => {
      const a = new CommandHandler(store, rules, { maxAttempts: 12, cacheSize: 2 });
      const b = new CommandHandler(store, rules);
      const [p, q, r] = ['P', 'Q', 'R'].map(borrowerStream);
      const openLoan = (name: string) =>
        (a.peek(name, borrowerDecider) as Promise<{ state: { openLoanId?: string } }>).then((l) => l.state.openLoanId);
      await a.load(p, borrowerDecider);
      await a.load(q, borrowerDecider);
      await a.load(p, borrowerDecider); // p used last: q is the one to go
      for (const name of [p, q])
        await b.handle(name, borrowerDecider, { type: 'OpenLoan', borrowerId: name, loanId: 'L' }, envelope(`open-${name}`));
      expect([await openLoan(p), await openLoan(q)]).toEqual([undefined, undefined]);
      await a.load(r, borrowerDecider); // a third stream: q goes
      expect([await openLoan(p), await openLoan(q)]).toEqual([undefined, 'L']);
    });
  });

  describe('forgets what it folded for a command that was not recorded', () => {
    // Its fold updates the state in place, as the fund's does, and adds up the amounts: past 2^53, \`fen\` throws.
    type Noted = DomainEvent<'FundExposureReserved', { fundId: string; loanId: string; amount: Fen; reservedOn: BusinessDate }>;
    const notes: Decider<{ key: string; amount: Fen }, Noted, Map<string, Fen>> = {
      initialState: () => new Map(),
      decide: (c) => [
        { type: 'FundExposureReserved', data: { fundId: 'F', loanId: c.key, amount: c.amount, reservedOn: '2011-01-05' as BusinessDate } },
      ],
      evolve: (s, e) => {
        s.set(e.data.loanId, e.data.amount);
        fen([...s.values()].reduce((t, a) => t + a, 0));
        return s;
      },
    };
    const note = (key: string) => ({ key, amount: (2 ** 52) as Fen });
    const keys = async (handler: CommandHandler) => [...(await handler.peek('notes-1', notes)).state.keys()];

    it('when its events cannot be folded', async () => {
      const handler = new CommandHandler(store, rules);
      await handler.handle('notes-1', notes, note('a'), envelope('a'));
      await expect(handler.handle('notes-1', notes, note('b'), envelope('b'))).rejects.toMatchObject({
        code: 'COMMAND.NUMBER_OUT_OF_RANGE',
      });
      expect(await keys(handler)).toEqual(['a']);
    });

    it('when the store fails to append them', async () => {
      let failing = false;
      const handler = new CommandHandler(
        wrap(store, (name, events, options) =>
          failing ? Promise.reject(new Error('disk full')) : store.appendToStream(name, events, options),
        ),
        rules,
      );
      await handler.handle('notes-1', notes, { key: 'a', amount: 1 as Fen }, envelope('a'));
      failing = true;
      await expect(handler.handle('notes-1', notes, { key: 'b', amount: 1 as Fen }, envelope('b'))).rejects.toThrow('disk full');
      expect(await keys(handler)).toEqual(['a']);
    });
  });

  describe('records only events that match their published schema', () => {
    const deciding = (data: unknown, type = 'FundExposureReserved'): Decider<null, DomainEvent, null> => ({
      initialState: () => null,
      decide: () => [{ type, data }],
      evolve: (s) => s,
    });
    const credited = { fundId: 'F', loanId: 'L', amount: 100, reservedOn: '2011-01-05' };

    it.each([
      ['an amount that is not whole fen', { ...credited, amount: 100.5 }, /data\/amount must be integer/],
      ['a field missing', { ...credited, loanId: undefined }, /must have required property 'loanId'/],
      ['a field the schema does not have', { ...credited, note: 'x' }, /must NOT have additional properties/],
      ['a date in another form', { ...credited, reservedOn: '05/01/2011' }, /data\/reservedOn must match pattern/],
    ])('refuses %s, and records nothing', async (_, data, problem) => {
      const handler = new CommandHandler(store, rules);
      const refused = handler.handle('fund-F', deciding(JSON.parse(JSON.stringify(data))), null, envelope('c'));
      await expect(refused).rejects.toThrow(EventContractError);
      await expect(refused).rejects.toThrow(problem);
      expect(await store.readStream('fund-F')).toEqual([]);
    });

    it('refuses an event type the programme does not publish', async () => {
      const handler = new CommandHandler(store, rules);
      await expect(handler.handle('fund-F', deciding({}, 'Noted'), null, envelope('c'))).rejects.toThrow(/publishes no such event type/);
      expect(await store.readStream('fund-F')).toEqual([]);
    });
  });

  describe('records each command once', () => {
    it('answers a retried command with the events its first attempt recorded, and appends nothing', async () => {
      const handler = new CommandHandler(store, rules);
      const first = await handler.handle(stream, borrowerDecider, open('L1'), envelope('open-1'));
      expect(first).toMatchObject({ duplicate: false, revision: 0n });
      await handler.handle(stream, borrowerDecider, close('L1'), envelope('close-1'));
      // Retried in the same process, and in another that knows the stream only from the store.
      for (const retrying of [handler, new CommandHandler(store, rules)]) {
        const retried = await retrying.handle(stream, borrowerDecider, open('L1'), envelope('open-1'));
        expect(retried.duplicate).toBe(true);
        expect(retried.appended).toEqual(first.appended);
      }
      expect(await events()).toEqual([
        ['BorrowerLoanOpened', 'L1'],
        ['BorrowerLoanClosed', 'L1'],
      ]);
    });

    it('refuses a command id used before for a different request', async () => {
      const handler = new CommandHandler(store, rules);
      await handler.handle(stream, borrowerDecider, open('L1'), envelope('open-1'));
      await expect(handler.handle(stream, borrowerDecider, open('L2'), envelope('open-1'))).rejects.toMatchObject({
        code: 'COMMAND.ID_REUSED',
        kind: 'conflict',
      });
      await expect(new CommandHandler(store, rules).handle(stream, borrowerDecider, open('L2'), envelope('open-1'))).rejects.toMatchObject({
        code: 'COMMAND.ID_REUSED',
      });
      expect(await events()).toEqual([['BorrowerLoanOpened', 'L1']]);
    });
  });

  it('records who acted, on which business date, under which policy, and why, with ids derived from the command', async () => {
    const handler = new CommandHandler(store, rules);
    const plain = await handler.handle(stream, borrowerDecider, open('L1'), envelope('open-1'));
    const caused = await handler.handle(
      stream,
      borrowerDecider,
      close('L1'),
      envelope('close-1', { businessDate: '2004-06-01' as BusinessDate, correlationId: 'corr', causationId: 'cause', extra: { step: 2 } }),
    );
    expect(plain.appended.map((e) => ({ id: e.id, metadata: e.metadata }))).toEqual([
      {
        id: eventIdFor('open-1', stream, 0),
        metadata: {
          commandId: 'open-1',
          commandFingerprint: expect.any(String),
          actor: clerk,
          businessDate: '2011-01-05',
          policyVersion: 'JX-2008',
          correlationId: 'open-1',
          causationId: 'open-1',
          schemaVersion: 1,
        },
      },
    ]);
    expect(caused.appended[0].metadata).toMatchObject({
      commandId: 'close-1',
      businessDate: '2004-06-01',
      policyVersion: 'JX-2002',
      correlationId: 'corr',
      causationId: 'cause',
      step: 2,
    });
    expect(caused.appended[0].id).toBe(eventIdFor('close-1', stream, 0));
  });
});
