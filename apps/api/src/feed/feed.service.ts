import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { ReferenceData } from '@app/domain';
import { EventStore, PersonalData, Position, RecordedEvent, eventsAfter, positionToString } from '@app/event-store';
import { eventView } from '../http/views';
import { API_CONFIG, EVENT_STORE } from '../tokens';
import { ApiConfig } from '../config';
import { FeedFilter, StreamRegions, passes } from './feed-filter';

/** One SSE connection: its response and how to stop its subscription. */
interface Follower {
  response: ServerResponse;
  stop: () => Promise<void>;
}

/** How often, at most, the position of events a filter skipped is sent (so a reconnect does not read them again). */
const SKIPPED_EVERY_MS = 1_000;
/** The most events one JSON page looks through. */
const SCANNED = 50_000;

/**
 * The event log for backend services: pages and NDJSON for batch pullers, and a live feed over Server-Sent
 * Events. Each follower reads the store at its own pace (a catch-up subscription pulled only as fast as its
 * socket drains), so a slow one holds back no writer and no other follower: its buffer is the socket's, and
 * one that takes nothing for `feedStallMs` is disconnected, to resume later from the last id it received.
 */
@Injectable()
export class FeedService implements OnModuleDestroy {
  private readonly log = new Logger('Feed');
  private readonly regions: StreamRegions;
  private readonly followers = new Set<Follower>();
  /** Set once the API is shutting down: no new feed starts. */
  private closing = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    reference: ReferenceData,
    private readonly personalData: PersonalData,
  ) {
    this.regions = new StreamRegions(store, reference);
  }

  /**
   * Up to `limit` events after `from` that pass the filter; `next` is where the following page starts. A page looks
   * through at most SCANNED events, so a filter that rarely matches answers at once too (with fewer events).
   */
  async page(from: Position | 'start', filter: FeedFilter, limit: number) {
    const events: RecordedEvent[] = [];
    let next = from;
    let end = true;
    let scanned = 0;
    pages: for await (const page of eventsAfter(this.store, from, filter.store)) {
      for (const event of page) {
        if (events.length === limit || scanned++ === SCANNED) {
          end = false;
          break pages;
        }
        next = event.position;
        if (await passes(event, filter, this.regions)) events.push(event);
      }
    }
    return { events: events.map(eventView), next: next === 'start' ? 'start' : positionToString(next), end };
  }

  /** Every event after `from` that passes the filter as NDJSON, written as fast as the client takes it. */
  async writeNdjson(response: ServerResponse, from: Position | 'start', filter: FeedFilter): Promise<void> {
    if (this.closing) return void response.destroy();
    const download: Follower = { response, stop: async () => void response.destroy() };
    this.followers.add(download);
    try {
      for await (const page of eventsAfter(this.store, from, filter.store)) {
        let lines = '';
        for (const event of page) if (await passes(event, filter, this.regions)) lines += `${this.shown(event)}\n`;
        if (!(await this.send(response, lines))) return;
      }
      response.end();
    } catch (error) {
      // Cut, not ended: a download that stops half-way must not look complete.
      this.log.error(`an NDJSON download failed: ${(error as Error).message}`);
      response.destroy();
    } finally {
      this.followers.delete(download);
    }
  }

  /**
   * Streams events after `from` to an SSE response: history, then live events as they are recorded, each with its
   * position as the SSE id; comments as heartbeats. With `live` false it ends once it has caught up.
   */
  async follow(response: ServerResponse, from: Position | 'start', filter: FeedFilter, live: boolean): Promise<void> {
    if (this.closing) return void response.destroy(); // the client comes back to another process, or later
    const subscription = this.store.subscribeToAll({ fromPosition: from, filter: filter.store });
    const follower: Follower = { response, stop: () => subscription.unsubscribe() };
    this.followers.add(follower);
    response.once('close', () => void follower.stop());
    let skipped: Position | undefined;
    // A heartbeat also carries the position of events skipped since the last one sent.
    const heartbeat = setInterval(() => {
      if (response.writableNeedDrain) return;
      response.write(skipped ? `: heartbeat\nid: ${positionToString(skipped)}\n\n` : ': heartbeat\n\n');
      skipped = undefined;
    }, this.config.feedHeartbeatMs);
    // A connection lasts at most feedConnectionMs: the client comes back (from its last id) with credentials as they are then.
    const lifetime = setTimeout(() => void follower.stop(), this.config.feedConnectionMs);
    let skippedSent = Date.now();
    const sendSkipped = () => (skipped ? this.send(response, `id: ${positionToString(skipped)}\n\n`) : true);
    try {
      if (!(await this.send(response, `retry: ${this.config.feedRetryMs}\n\n`))) return;
      for await (const message of subscription) {
        if (response.destroyed) return;
        let sent = true;
        if (message.kind === 'event' && (await passes(message.event, filter, this.regions))) {
          skipped = undefined;
          sent = await this.send(response, `id: ${positionToString(message.event.position)}\ndata: ${this.shown(message.event)}\n\n`);
        } else if (message.kind !== 'caughtUp') {
          skipped = message.kind === 'event' ? message.event.position : message.position;
          if (Date.now() - skippedSent >= SKIPPED_EVERY_MS) [sent, skippedSent] = [await sendSkipped(), Date.now()];
        } else {
          sent = (await sendSkipped()) && (await this.send(response, ': caught up\n\n'));
          if (!live) return;
        }
        if (!sent) return;
      }
    } finally {
      clearInterval(heartbeat);
      clearTimeout(lifetime);
      this.followers.delete(follower);
      await follower.stop();
      if (!response.destroyed) response.end();
    }
  }

  /** Writes, waiting for the socket to drain; a follower that takes nothing for `feedStallMs` is disconnected. */
  /** An event as one line of JSON, its personal data revealed (streamed answers pass no hook that would). */
  private shown(event: RecordedEvent): string {
    return this.personalData.revealJson(JSON.stringify(eventView(event)));
  }

  private send(response: ServerResponse, chunk: string): Promise<boolean> {
    if (response.destroyed) return Promise.resolve(false);
    if (response.write(chunk)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (drained: boolean) => {
        clearTimeout(timer);
        response.off('drain', onDrain).off('close', onClose);
        if (!drained && !response.destroyed) {
          this.log.warn(`a feed follower took nothing for ${this.config.feedStallMs} ms: disconnected, to resume from its last id`);
          response.destroy();
        }
        resolve(drained);
      };
      const onDrain = () => done(true);
      const onClose = () => done(false);
      const timer = setTimeout(() => done(false), this.config.feedStallMs);
      response.once('drain', onDrain).once('close', onClose);
    });
  }

  /** Open feeds and downloads would keep the server from closing: each is cut (a feed's client resumes elsewhere, or later). */
  async onModuleDestroy() {
    this.closing = true;
    for (const follower of this.followers) {
      await follower.stop();
      follower.response.destroy();
    }
  }
}
