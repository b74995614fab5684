import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { PersonalData } from '@app/event-store';

/** Answers that show what is kept as it is kept: proofs (their hash covers the sealed form) and webhooks' dead letters. */
const AS_RECORDED = ['/audit/proofs/', '/webhooks'];

/**
 * Every JSON answer has its sealed personal data revealed on the way out, whatever built it: the loans,
 * the streams, the ledgers and their JSON exports, the feed's pages. Files (CSV, XLSX, Markdown) are
 * revealed row by row before they are laid out, and the streamed feed and webhooks line by line.
 * Refusals and errors are never revealed: they may echo what was sent, which must not open a token.
 */
export function installReveal(app: NestFastifyApplication): void {
  const personalData = app.get(PersonalData);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (request, reply, payload) => {
      if (typeof payload !== 'string' || !/json/.test(String(reply.getHeader('content-type') ?? ''))) return payload;
      if (reply.statusCode >= 400 || AS_RECORDED.some((route) => request.routeOptions.url?.startsWith(route))) return payload;
      return personalData.revealJson(payload);
    });
}
