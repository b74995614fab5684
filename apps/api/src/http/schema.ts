import { ApiResponse } from '@nestjs/swagger';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { ColumnType, TableSpec } from '@app/projections';
import { apiName } from './api-names';

/**
 * The shapes of the API's answers, written once as JSON Schema and put in the OpenAPI document, which is the
 * contract: the end-to-end tests check every answer they get against it (test/support/api.ts). Objects list
 * every field they may have and refuse others, so a field renamed or added without its schema fails a test.
 */
export type Schema = SchemaObject;

export const str: Schema = { type: 'string' };
export const int: Schema = { type: 'integer' };
export const num: Schema = { type: 'number' };
export const bool: Schema = { type: 'boolean' };
export const date: Schema = { type: 'string', format: 'date' };
export const instant: Schema = { type: 'string', format: 'date-time' };
/** A value whose shape belongs to another contract (an event's data, a policy's rules). */
export const anything: Schema = {};
export const fen = (description?: string): Schema => ({ type: 'integer', description: description ?? 'Integer fen' });
export const oneOf = (...values: string[]): Schema => ({ type: 'string', enum: values });

/** The schema, or null; a schema of any value allows null already. */
export const nullable = (s: Schema): Schema => (s.type ? { ...s, nullable: true } : s);
export const arr = (items: Schema): Schema => ({ type: 'array', items });
/** An object keyed by codes (categories, sources, regions), each value of one shape. */
export const map = (values: Schema): Schema => ({ type: 'object', additionalProperties: values });

/** An object with exactly these fields; those named in `optional` may be left out. */
export function obj(properties: Record<string, Schema>, optional: string[] = []): Schema {
  const required = Object.keys(properties).filter((k) => !optional.includes(k));
  return { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: false };
}

/** An endpoint's answer with this status, as JSON. */
export const Answers = (schema: Schema, status = 200, description = 'Done') => ApiResponse({ status, description, schema });

/** An endpoint whose answer is a file or a stream: its media types, and its JSON shape when asked for as JSON. */
export const AnswersFile = (types: string[], json?: Schema) =>
  ApiResponse({
    status: 200,
    description: 'The file or stream',
    content: Object.fromEntries(
      types.map((type) => [type, { schema: type === 'application/json' && json ? json : { type: 'string', format: 'binary' } }]),
    ),
  });

/** A recorded event as the API shows it (`eventView`); its data is described by the events' own contract (docs/events.md). */
export const EVENT = obj({
  id: str,
  type: str,
  streamName: str,
  revision: str,
  position: str,
  recordedAt: instant,
  data: { type: 'object' },
  metadata: { type: 'object' },
});

/** A record's events (`streamView`). */
export const STREAM = obj({ streamName: str, revision: str, events: arr(EVENT) });

/** A command's answer (`commandView`) with the ids of what it acted on. */
export const command = (ids: Record<string, Schema>) =>
  obj({ ...ids, duplicate: bool, revision: nullable(str), events: arr(EVENT) }, ['revision']);

export const PROJECTION_STATUS = obj(
  {
    name: str,
    version: int,
    state: oneOf('starting', 'rebuilding', 'catching_up', 'live', 'reconnecting', 'stopped', 'failed'),
    generation: int,
    position: nullable(str),
    processed: int,
    error: str,
    retries: int,
    lag: nullable(int),
    progress: nullable(num),
  },
  ['generation', 'error', 'retries', 'lag', 'progress'],
);

const COLUMN_SCHEMA: Record<ColumnType, Schema> = {
  text: nullable(str),
  integer: nullable(int),
  fen: nullable(fen()),
  boolean: nullable(bool),
  json: anything,
};

/** A ledger row, field by field from the table's columns, in the API's names. */
export const ledgerRow = (spec: TableSpec): Schema =>
  obj(Object.fromEntries(Object.entries(spec.columns).map(([c, type]) => [apiName(spec, c), COLUMN_SCHEMA[type]])));

/** A page of a ledger; as of a date or instant it also says which. */
export const ledgerPage = (spec: TableSpec): Schema =>
  obj(
    {
      rows: arr(ledgerRow(spec)),
      total: int,
      page: int,
      pageSize: int,
      asOf: nullable(date),
      knownAt: nullable(str),
      projection: nullable(PROJECTION_STATUS),
    },
    ['asOf', 'knownAt', 'projection'],
  );

/** RFC 9457 problem details: every refusal and failure (see ProblemFilter); a refusal may add its figures. */
export const PROBLEM: Schema = {
  type: 'object',
  properties: { type: str, title: str, status: int, code: str, detail: str, errors: arr(anything) },
  required: ['type', 'title', 'status', 'code', 'detail'],
};

/** Every endpoint may refuse or fail, always as problem details: said once, for all of them. */
export function withProblems(document: OpenAPIObject): OpenAPIObject {
  const problem = { description: 'Refused or failed: the code says why', content: { 'application/problem+json': { schema: PROBLEM } } };
  for (const operations of Object.values(document.paths))
    for (const operation of Object.values(operations) as Array<{ responses?: Record<string, unknown> }>)
      if (operation?.responses) operation.responses.default = problem;
  return document;
}
