import { EVENT_CATALOGUE, EVENT_TYPES } from '@app/domain';
import type { PublishedSchemas } from './schemas';

type Schema = {
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: string[];
  const?: string;
  pattern?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
};

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** What a field holds, in a reader's words. */
function kind(s: Schema): string {
  if (s.const !== undefined) return `always \`${s.const}\``;
  if (s.enum) return `one of ${s.enum.map((v) => `\`${v}\``).join(', ')}`;
  if (s.title === 'Fen') return 'amount in fen (integer)';
  if (s.title === 'BasisPoints') return 'rate in basis points (integer)';
  if (s.title === 'BusinessDate') return 'business date, YYYY-MM-DD';
  if (s.title === 'Quarter') return 'quarter, YYYY-Qn';
  if (s.type === 'array') return `list of ${s.items?.type === 'object' ? 'entries' : kind(s.items ?? {})}`;
  if (s.type === 'object') return 'object';
  // A field that may also be null: `string or null`.
  if (Array.isArray(s.type)) return s.type.join(' or ');
  return s.type ?? 'any';
}

/** One row per field, nested fields and list entries by their path (`plan[].dueDate`). */
function rows(s: Schema, prefix = ''): string[] {
  const out: string[] = [];
  for (const [name, field] of Object.entries(s.properties ?? {})) {
    const path = `${prefix}${name}`;
    const required = s.required?.includes(name) ? 'yes' : 'no';
    out.push(`| \`${path}\` | ${cell(kind(field))} | ${required} | ${cell(field.description ?? '')} |`);
    if (field.type === 'object') out.push(...rows(field, `${path}.`));
    if (field.type === 'array' && field.items?.type === 'object') out.push(...rows(field.items, `${path}[].`));
  }
  return out;
}

/** docs/events.md: every event's meaning and fields, made from the published schemas. */
export function referencePage(schemas: PublishedSchemas): string {
  const lines = [
    '# Events: the published contract',
    '',
    '<!-- Made by `npm run contract` from libs/domain/src/contract/event-schemas.json: do not edit by hand. -->',
    '',
    'Every event the programme records, as the feed, its pages and NDJSON, and webhooks deliver it (see',
    '[feed.md](feed.md)). The same schemas are served by the API at `GET /feed/schemas` and in the AsyncAPI',
    'document at `GET /feed/asyncapi.json`. Every event is checked against its schema before it is recorded.',
    '',
    'Each delivered event has `id`, `type`, `streamName` (its record: the category, a dash, and the id),',
    "`revision` (its place in that record), `position` (its place in the whole log, the feed's resume point),",
    '`recordedAt`, `data` (below), and `metadata`: `schemaVersion`, `actor` (who acted), `businessDate`,',
    '`policyVersion`, `commandId`, `correlationId` and `causationId`.',
    '',
    '**Versions.** `metadata.schemaVersion` is the version of `data`. When what an event records changes, it gets a',
    'new version, and events recorded under an older one are upcast when read: consumers and projections only see',
    'the current version. Earlier versions stay published below their type.',
    '',
    '**Personal data.** Events hold no names, addresses or phone numbers. A borrower appears as `borrowerId`, a keyed',
    'hash of the ID number, and `maskedIdNumber`; the number itself is never recorded. Amounts are integer fen',
    '(1 yuan = 100 fen), rates integer basis points (1% = 100).',
    '',
    '| event | record | version | meaning |',
    '|---|---|---|---|',
    ...EVENT_TYPES.map((t) => {
      const c = EVENT_CATALOGUE[t];
      return `| [${t}](#${t.toLowerCase()}) | ${c.category} | ${c.version} | ${cell(c.meaning)} |`;
    }),
  ];
  for (const type of EVENT_TYPES) {
    const { category, version } = EVENT_CATALOGUE[type];
    const schema = schemas[type][version] as Schema;
    lines.push('', `## ${type}`, '', `Record: \`${category}\`. Version ${version}.`, '', EVENT_CATALOGUE[type].meaning, '');
    lines.push('| field | holds | required | meaning |', '|---|---|---|---|', ...rows(schema));
    const older = Object.keys(schemas[type]).filter((v) => Number(v) < version);
    if (older.length)
      lines.push(
        '',
        `Earlier versions, upcast on read: ${older.map((v) => `${v} (fields: ${Object.keys((schemas[type][v] as Schema).properties ?? {}).join(', ')})`).join('; ')}.`,
      );
  }
  return `${lines.join('\n')}\n`;
}
