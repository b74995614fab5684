import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { ReferenceData } from '@app/domain';
import { EventStore, Subscription, positionFromString, positionToString } from '@app/event-store';
import { ApiConfig } from '../config';
import { feedFilter, passes, StreamRegions } from '../feed/feed-filter';
import { eventView } from '../http/views';
import { API_CONFIG, EVENT_STORE } from '../tokens';
import { Webhook, WebhookStore } from './webhook-store';

/** The signature a receiver checks: HMAC-SHA-256 over the timestamp, a dot and the body, with the webhook's secret. */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * Delivers each webhook's events one at a time in the log's order (so in order per record), each POSTed as JSON and
 * signed; a failure (an error status, no answer within the timeout, a refused connection) is retried with a
 * doubling back-off. After `webhookMaxAttempts` the event is kept as a dead letter, for an operator to replay, and
 * the webhook goes on. Where each webhook stands is kept durably, so deliveries resume after a restart; an event
 * may then be delivered twice (its id says so), never skipped.
 */
@Injectable()
export class WebhookDeliveries implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = new Logger('Webhooks');
  private readonly running = new Map<string, Subscription>();
  private readonly regions: StreamRegions;
  private stopped = false;

  constructor(
    readonly store: WebhookStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly reference: ReferenceData,
  ) {
    this.regions = new StreamRegions(events, reference);
  }

  onApplicationBootstrap() {
    if (this.config.webhooks === 'in-process') for (const webhook of this.store.all()) this.start(webhook);
  }

  /** Starts delivering a webhook's events after its position. */
  start(webhook: Webhook): void {
    if (this.config.webhooks !== 'in-process' || this.running.has(webhook.id)) return;
    const from = webhook.position === 'start' ? 'start' : positionFromString(webhook.position);
    const filter = feedFilter(webhook.filter, this.reference);
    const subscription = this.events.subscribeToAll({ fromPosition: from, filter: filter.store });
    this.running.set(webhook.id, subscription);
    void (async () => {
      for await (const message of subscription) {
        if (message.kind === 'caughtUp') continue;
        const event = message.kind === 'event' ? message.event : undefined;
        const position = positionToString(message.kind === 'event' ? message.event.position : message.position);
        if (event && (await passes(event, filter, this.regions))) {
          const body = JSON.stringify(eventView(event));
          const outcome = await this.deliver(webhook, body, position, () => this.running.get(webhook.id) === subscription);
          if (outcome === 'stopped') return;
          if (outcome !== 'delivered') {
            this.log.warn(
              `webhook ${webhook.id}: gave up on the event at ${position} after ${outcome.attempts} attempts: ${outcome.error}`,
            );
            this.store.advance(webhook.id, position, { body, ...outcome, failedAt: new Date().toISOString() });
            continue;
          }
        }
        if (this.running.get(webhook.id) !== subscription) return;
        this.store.advance(webhook.id, position);
      }
    })().catch((error: Error) => this.log.error(`webhook ${webhook.id} stopped: ${error.message}`));
  }

  async stop(id: string): Promise<void> {
    const subscription = this.running.get(id);
    this.running.delete(id);
    await subscription?.unsubscribe();
  }

  /** Sends an event until it is taken or the attempts run out; `live` says whether to go on trying. */
  async deliver(webhook: Webhook, body: string, position: string, live: () => boolean) {
    let error = '';
    for (let attempt = 1; attempt <= this.config.webhookMaxAttempts; attempt++) {
      if (!live() || this.stopped) return 'stopped' as const;
      error = await this.post(webhook, body, position);
      if (!error) return 'delivered' as const;
      if (attempt < this.config.webhookMaxAttempts) await this.pause(this.config.webhookRetryMs * 2 ** Math.min(attempt - 1, 10));
    }
    return { attempts: this.config.webhookMaxAttempts, error };
  }

  /** One attempt: '' when the receiver took it (2xx), else what went wrong. */
  private async post(webhook: Webhook, body: string, position: string): Promise<string> {
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
        signal: AbortSignal.timeout(this.config.webhookTimeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      return res.status >= 200 && res.status < 300 ? '' : `the receiver answered ${res.status}`;
    } catch (error) {
      const cause = (error as Error & { cause?: Error }).cause?.message;
      return `${(error as Error).message}${cause ? ` (${cause})` : ''}`;
    }
  }

  private pause(ms: number) {
    return new Promise((resolve) => setTimeout(resolve, ms).unref());
  }

  async onModuleDestroy() {
    this.stopped = true;
    await Promise.all([...this.running.keys()].map((id) => this.stop(id)));
    this.store.close();
  }
}
