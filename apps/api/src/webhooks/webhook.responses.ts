import { arr, instant, int, obj, str } from '../http/schema';

/** The answers of the webhook endpoints (see http/schema.ts). */
const FILTER = obj({ types: str, categories: str, region: str }, ['types', 'categories', 'region']);
const fields = { id: str, url: str, filter: FILTER, position: str, createdAt: instant };
export const REGISTERED = obj({ ...fields, secret: { type: 'string', description: 'Shown this once' } });
export const WEBHOOKS = arr(obj({ ...fields, deadLetters: int }));
export const DEAD_LETTERS = arr(
  obj({ webhookId: str, position: str, stream: str, body: str, attempts: int, error: str, failedAt: instant }),
);
export const REPLAYED = obj({ delivered: int, left: int });
