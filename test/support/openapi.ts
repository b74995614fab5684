import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Holds every answer the end-to-end tests get to the OpenAPI document, the API's contract: its status must be
 * documented for its endpoint, its media type among that status's, and a JSON body must match the schema there.
 * `startApi` checks each reply with it, so a field renamed, added or left out without the document fails the
 * test that met it.
 */
export function contractOf(document: { paths: Record<string, Record<string, Operation>> }) {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const routes = Object.entries(document.paths)
    .flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        operation,
        pattern: patternOf(path),
      })),
    )
    // A literal segment wins over a parameter: /exports/bulletin before /exports/{ledger}.
    .sort((a, b) => params(a.path) - params(b.path));
  const compiled = new Map<object, ValidateFunction>();
  const validator = (schema: object) => {
    if (!compiled.has(schema)) compiled.set(schema, ajv.compile(schema));
    return compiled.get(schema)!;
  };

  /** What is wrong with an answer by the document, or nothing. */
  return function problemsWith(method: string, url: string, status: number, contentType: string, body: unknown): string[] {
    const path = url.split('?')[0];
    const route = routes.find((r) => r.method === method && r.pattern.test(path));
    // Addresses outside the document (the document itself, unknown ones answered 404) are not its to hold.
    if (!route) return [];
    const where = `${method} ${route.path} answered ${status}`;
    const response = route.operation.responses?.[String(status)] ?? route.operation.responses?.default;
    if (!response) return [`${where}, a status the document does not give`];
    const mediaType = contentType.split(';')[0].trim();
    if (!mediaType) return [];
    const content = response.content?.[mediaType];
    if (!content) return [`${where} as ${mediaType}; the document gives ${Object.keys(response.content ?? {}).join(', ') || 'no body'}`];
    if (!/json$/.test(mediaType) || !content.schema || typeof body === 'string') return [];
    const validate = validator(content.schema);
    if (validate(body)) return [];
    return (validate.errors ?? [])
      .slice(0, 10)
      .map((e) => `${where}: ${e.instancePath || '(body)'} ${e.message} ${JSON.stringify(e.params)}`);
  };
}

interface Operation {
  responses?: Record<string, { content?: Record<string, { schema?: object }> }>;
}

const params = (path: string) => (path.match(/\{/g) ?? []).length;
const patternOf = (path: string) => new RegExp(`^${path.replace(/[.]/g, '\\.').replace(/\{[^}]+\}/g, '[^/]+')}$`);
