import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { ReferenceData } from '@app/domain';
import { EventStore, PersonalData, positionFromString, positionToString } from '@app/event-store';
import { ApiConfig } from '../config';
import { FeedFilter, feedFilter, passes, StreamRegions } from '../feed/feed-filter';
import { eventView } from '../http/views';
import { API_CONFIG, EVENT_STORE } from '../tokens';
import { Webhook, WebhookStore } from './webhook-store';

/** The signature a receiver checks: HMAC-SHA-256 over the timestamp, a dot and the body, with the webhook's secret. */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** How often the delivering process looks for webhooks registered or removed through another process. */
const SYNC_MS = 2_000;
/** A position that moved past skipped events only is written at most this often (a delivery always is). */
const SKIPPED_SAVE_MS = 1_000;
const RESTART_MS = 5_000;

interface Running {
  stop: AbortController;
  done: Promise<void>;
}

/**
 * Delivers each webhook's events one at a time in the log's order, each POSTed as JSON and signed; a failure (an
 * error status, no answer within the timeout, a refused connection) is retried with a doubling back-off. After
 * `webhookMaxAttempts` the event is kept as a dead letter and the webhook goes on, but not with that record: its
 * later events wait behind it as dead letters too, so that a replay delivers the record's events in order. Where
 * each webhook stands is kept durably: deliveries resume after a restart, and an event may then arrive twice
 * (its id says so), never not at all. A loop that fails (the store away) starts again after a pause.
 */
@Injectable()
export class WebhookDeliveries implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('Webhooks');
  private readonly running = new Map<string, Running>();
  private readonly replaying = new Set<string>();
  private readonly regions: StreamRegions;
  private sync?: NodeJS.Timeout;

  constructor(
    readonly store: WebhookStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly reference: ReferenceData,
    private readonly personalData: PersonalData,
  ) {
    this.regions = new StreamRegions(events, reference);
  }

  onApplicationBootstrap() {
    if (this.config.webhooks !== 'in-process') return;
    this.synchronise();
    this.sync = setInterval(() => this.synchronise(), SYNC_MS).unref();
  }

  /** Delivers the webhooks the store holds, and stops those it no longer holds (registered or removed elsewhere). */
  synchronise(): void {
    const held = this.store.all();
    for (const webhook of held) this.start(webhook);
    for (const id of this.running.keys()) if (!held.some((w) => w.id === id)) void this.stop(id);
  }

  /** Starts delivering a webhook's events after its position, unless this process does not deliver or already does. */
  start(webhook: Webhook): void {
    if (this.config.webhooks !== 'in-process' || this.running.has(webhook.id)) return;
    let filter: FeedFilter;
    try {
      filter = feedFilter(webhook.filter, this.reference);
    } catch (error) {
      this.log.error(`webhook ${webhook.id} is not delivered: its filter is no longer valid (${(error as Error).message})`);
      return;
    }
    const stop = new AbortController();
    const done = this.loop(webhook, filter, stop.signal).catch((error: Error) => {
      if (stop.signal.aborted) return;
      this.log.error(`webhook ${webhook.id} stopped (${error.message}); it starts again in ${RESTART_MS / 1000} s`);
      setTimeout(() => {
        if (this.running.get(webhook.id)?.stop !== stop) return;
        this.running.delete(webhook.id);
        const current = this.store.get(webhook.id);
        if (current) this.start(current);
      }, RESTART_MS).unref();
    });
    this.running.set(webhook.id, { stop, done });
  }

  private async loop(webhook: Webhook, filter: FeedFilter, stop: AbortSignal): Promise<void> {
    const from = webhook.position === 'start' ? 'start' : positionFromString(webhook.position);
    const subscription = this.events.subscribeToAll({ fromPosition: from, filter: filter.store });
    stop.addEventListener('abort', () => void subscription.unsubscribe());
    let saved = Date.now();
    for await (const message of subscription) {
      if (stop.aborted) return;
      if (message.kind === 'caughtUp') continue;
      const position = positionToString(message.kind === 'event' ? message.event.position : message.position);
      const event = message.kind === 'event' && (await passes(message.event, filter, this.regions)) ? message.event : undefined;
      if (!event) {
        if (Date.now() - saved >= SKIPPED_SAVE_MS) {
          this.store.advance(webhook.id, position);
          saved = Date.now();
        }
        continue;
      }
      const body = JSON.stringify(eventView(event));
      // A record with an event waiting as a dead letter: its later events wait behind it, in order.
      const outcome = this.store.hasDeadLetter(webhook.id, event.streamName)
        ? { attempts: 0, error: 'waiting behind an earlier event of the same record' }
        : await this.deliver(webhook, body, position, stop);
      // Stopping: an event the receiver took is still saved as delivered, or a restart would send it again.
      if (stop.aborted && outcome !== 'delivered') return;
      if (outcome !== 'delivered')
        this.log.warn(`webhook ${webhook.id}: the event at ${position} is kept as a dead letter: ${outcome.error}`);
      const letter =
        outcome === 'delivered' ? undefined : { stream: event.streamName, body, ...outcome, failedAt: new Date().toISOString() };
      this.store.advance(webhook.id, position, letter);
      saved = Date.now();
    }
  }

  async stop(id: string): Promise<void> {
    const running = this.running.get(id);
    this.running.delete(id);
    running?.stop.abort();
    await running?.done;
  }

  /**
   * Sends an event until it is taken, the attempts run out, or delivering stops. The body is kept sealed (a dead
   * letter too) and revealed at each attempt, so that a borrower erased meanwhile is sent erased.
   */
  async deliver(webhook: Webhook, body: string, position: string, stop: AbortSignal, attempts = this.config.webhookMaxAttempts) {
    let error = '';
    for (let attempt = 1; attempt <= attempts && !stop.aborted; attempt++) {
      error = await this.post(webhook, this.personalData.revealJson(body), position, stop);
      if (!error) return 'delivered' as const;
      if (attempt < attempts) await this.pause(this.config.webhookRetryMs * 2 ** Math.min(attempt - 1, 10), stop);
    }
    return { attempts, error: stop.aborted ? 'delivering stopped' : error };
  }

  /**
   * Sends the dead letters again, oldest first, one attempt each, stopping at the first that fails; one replay of
   * a webhook at a time.
   */
  async replay(webhook: Webhook): Promise<{ delivered: number; left: number } | 'busy'> {
    if (this.replaying.has(webhook.id)) return 'busy';
    this.replaying.add(webhook.id);
    try {
      let delivered = 0;
      for (const letter of this.store.deadLetters(webhook.id)) {
        if ((await this.deliver(webhook, letter.body, letter.position, new AbortController().signal, 1)) !== 'delivered') break;
        this.store.delivered(webhook.id, letter.position);
        delivered++;
      }
      return { delivered, left: this.store.deadLetters(webhook.id).length };
    } finally {
      this.replaying.delete(webhook.id);
    }
  }

  /** One attempt: '' when the receiver took it (2xx), else what went wrong. */
  private async post(webhook: Webhook, body: string, position: string, stop: AbortSignal): Promise<string> {
    const timestamp = String(Math.floor(Date.now() / 1000));
    try {
      const res = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-webhook-id': webhook.id,
          'x-event-position': position,
          'x-webhook-timestamp': timestamp,
          'x-webhook-signature': signature(webhook.secret, timestamp, body),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.any([stop, AbortSignal.timeout(this.config.webhookTimeoutMs)]),
      });
      // The answer's body is not read: a receiver's reply of any size costs nothing.
      await res.body?.cancel().catch(() => undefined);
      return res.status >= 200 && res.status < 300 ? '' : `the receiver answered ${res.status}`;
    } catch (error) {
      const cause = (error as Error & { cause?: Error }).cause?.message;
      return `${(error as Error).message}${cause ? ` (${cause})` : ''}`;
    }
  }

  private pause(ms: number, stop: AbortSignal) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      stop.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
    });
  }

  async onModuleDestroy() {
    clearInterval(this.sync);
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)));
    this.store.close();
  }
}
