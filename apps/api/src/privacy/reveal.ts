import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PersonalData } from '@app/event-store';

/**
 * Every JSON answer has its sealed personal data revealed on the way out, whatever built it: the loans,
 * the streams, the ledgers and their JSON exports, the feed's pages. Files (CSV, XLSX, Markdown) are
 * revealed row by row before they are laid out, and the streamed feed and webhooks line by line.
 * Proofs are the exception: they show an event as recorded, sealed, because that is what its hash covers.
 */
export function installReveal(app: NestFastifyApplication): void {
  const personalData = app.get(PersonalData);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (request, reply, payload) => {
      if (typeof payload !== 'string' || !/json/.test(String(reply.getHeader('content-type') ?? ''))) return payload;
      if (request.routeOptions.url?.startsWith('/audit/proofs/')) return payload;
      return personalData.revealJson(payload);
    });
}
