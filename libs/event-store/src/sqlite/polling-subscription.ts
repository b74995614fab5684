import { nextTurn } from '../next-turn';
import { Position, RecordedEvent, Subscription, SubscriptionFilter, SubscriptionMessage } from '../store.port';

interface Source {
  readAfter(
    position: Position | 'start',
    maxCount: number,
    filter?: SubscriptionFilter,
  ): { events: RecordedEvent[]; last?: Position; count: number };
  onAppend(wake: () => void): () => void;
}

const BATCH = 2048;

/**
 * A catch-up subscription over the embedded store: history in batches, then `caughtUp`, then live events,
 * woken by appends in this process and by polling for appends from other processes sharing the file.
 * Messages are pulled one at a time (`for await`), so a slow handler never sees events interleaved.
 */
export class PollingSubscription implements Subscription {
  private closed = false;
  private wake?: () => void;

  constructor(
    private readonly source: Source,
    private position: Position | 'start',
    private readonly filter: SubscriptionFilter | undefined,
    private readonly pollIntervalMs: number,
  ) {}

  async *[Symbol.asyncIterator](): AsyncIterator<SubscriptionMessage> {
    let caughtUp = false;
    const stopListening = this.source.onAppend(() => this.wake?.());
    try {
      while (!this.closed) {
        const batch = this.source.readAfter(this.position, BATCH, this.filter);
        for (const event of batch.events) {
          if (this.closed) return;
          this.position = event.position;
          yield { kind: 'event', event };
        }
        if (batch.last && batch.events.length < batch.count) {
          this.position = batch.last;
          yield { kind: 'checkpoint', position: batch.last };
        }
        if (batch.count === BATCH) {
          await nextTurn();
          continue;
        }
        if (!caughtUp) {
          caughtUp = true;
          yield { kind: 'caughtUp' };
        }
        await this.idle();
      }
    } finally {
      stopListening();
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.pollIntervalMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }

  async unsubscribe(): Promise<void> {
    this.closed = true;
    this.wake?.();
  }
}
