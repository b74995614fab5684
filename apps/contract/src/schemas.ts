import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import { createGenerator } from 'ts-json-schema-generator';
import { EVENT_CATALOGUE, EVENT_TYPES } from '@app/domain';

type Schema = Record<string, unknown>;
/** Every version of every event's data, by type and version: what libs/domain/src/contract/event-schemas.json holds. */
export type PublishedSchemas = Record<string, Record<string, Schema>>;

const ROOT = join(__dirname, '..', '..', '..');
/** Shapes the TypeScript types cannot state: branded strings keep their format, and every number recorded is whole. */
const FORMATS: Record<string, Schema> = {
  BusinessDate: { pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
  Quarter: { pattern: '^\\d{4}-Q[1-4]$' },
};

/** The current version of every event's data, as JSON Schema (draft-07) made from the domain's TypeScript types. */
export function currentSchemas(): Record<string, Schema> {
  const generator = createGenerator({
    path: join(ROOT, 'libs/domain/src/events.ts'),
    tsconfig: join(ROOT, 'tsconfig.json'),
    type: 'ProgrammeEvent',
    expose: 'export',
    topRef: false,
    jsDoc: 'extended',
    skipTypeCheck: true,
  });
  const root = generator.createSchema('ProgrammeEvent') as Schema & { definitions: Record<string, Schema> };
  const definitions = root.definitions;
  const resolve = (s: Schema): Schema => {
    const ref = s.$ref as string | undefined;
    return ref ? resolve(definitions[decodeURIComponent(ref.replace('#/definitions/', ''))]) : s;
  };
  // Refs inlined, so each event's schema stands alone; named shapes keep their name as the title.
  const inline = (s: unknown, name?: string): unknown => {
    if (Array.isArray(s)) return s.map((v) => inline(v));
    if (!s || typeof s !== 'object') return s;
    const schema = s as Schema;
    if (typeof schema.$ref === 'string') {
      const target = decodeURIComponent(schema.$ref.replace('#/definitions/', ''));
      const { $ref: _, ...rest } = schema;
      return { ...(inline(definitions[target], target) as Schema), ...rest };
    }
    const out: Schema = {};
    for (const [key, value] of Object.entries(schema))
      out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value as Schema).map(([k, v]) => [k, inline(v)])) : inline(value);
    if (out.type === 'number') out.type = 'integer';
    if (!name) return out;
    // A named scalar (Fen, BusinessDate) says what it is by its title; its description is about the type, not the field.
    if (out.type !== 'object') delete out.description;
    return { title: name, ...out, ...FORMATS[name] };
  };
  const events: Record<string, Schema> = {};
  const visit = (s: Schema) => {
    const resolved = resolve(s);
    if (resolved.anyOf) return (resolved.anyOf as Schema[]).forEach(visit);
    const properties = resolved.properties as { type: { const: string }; data: Schema };
    events[properties.type.const] = inline(properties.data) as Schema;
  };
  visit(root);
  for (const type of EVENT_TYPES) {
    if (!events[type]) throw new Error(`${type} is in the catalogue but not in ProgrammeEvent`);
    const { title: _, description: __, ...schema } = events[type];
    events[type] = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      title: type,
      description: EVENT_CATALOGUE[type].meaning,
      ...schema,
    };
  }
  return events;
}

/** A schema without its words: two versions are the same contract when only their descriptions differ. */
function shape(s: unknown): unknown {
  if (Array.isArray(s)) return s.map(shape);
  if (!s || typeof s !== 'object') return s;
  return Object.fromEntries(
    Object.entries(s as Schema)
      .filter(([k]) => k !== 'description' && k !== 'title')
      .map(([k, v]) => [
        k,
        k === 'properties' ? Object.fromEntries(Object.entries(v as Schema).map(([p, ps]) => [p, shape(ps)])) : shape(v),
      ]),
  );
}

/**
 * The published schemas with the current versions added. A published version is frozen: if the types now
 * say something else under the same version, it throws, asking for a new version and its upcaster.
 */
export function publish(published: PublishedSchemas, current: Record<string, Schema>): PublishedSchemas {
  const out: PublishedSchemas = {};
  for (const type of EVENT_TYPES) {
    const { version, upcasters = {} } = EVENT_CATALOGUE[type];
    const before = published[type]?.[version];
    if (before && !isDeepStrictEqual(shape(before), shape(current[type])))
      throw new Error(
        `${type} version ${version} is published and its shape has changed: give it version ${version + 1} in ` +
          `libs/domain/src/contract/catalogue.ts, with an upcaster from version ${version}.`,
      );
    for (let v = 1; v < version; v++) {
      if (!published[type]?.[v]) throw new Error(`${type} version ${v} was never published: versions go up by one.`);
      if (!upcasters[v]) throw new Error(`${type} has no upcaster from version ${v} to ${v + 1}.`);
    }
    out[type] = { ...published[type], [version]: current[type] };
  }
  return out;
}
