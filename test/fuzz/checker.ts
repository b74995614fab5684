import { FuzzReply, FuzzRequest } from './send';

export type Kind = '5xx' | 'no answer' | 'not a problem' | 'refused but recorded';

/** One broken promise of the HTTP contract; the signature tells distinct failures apart (it names the cause, not the request). */
export interface Violation {
  kind: Kind;
  signature: string;
}

/** The code of an application/problem+json answer; undefined when the answer is not such a problem. */
export function problemCode(reply: FuzzReply): string | undefined {
  if (!/^application\/problem\+json\b/i.test(reply.contentType)) return undefined;
  try {
    const code = JSON.parse(reply.text)?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
}

/** A short, stable name for what an answer says: its code, or its error, or its first words (digits folded). */
function gist(text: string): string {
  let said: unknown;
  try {
    const body = JSON.parse(text);
    said = body?.code ?? body?.error ?? body?.message;
  } catch {
    said = text;
  }
  return String(said ?? '')
    .replace(/\d+/g, '#')
    .slice(0, 80);
}

/**
 * The checks on every answer (docs/api.md, "Errors"): no 5xx; every 4xx and 5xx is application/problem+json
 * with a string code; nothing is recorded when a command fails. `appended` says whether the store's head
 * moved during the request; `serverError` is the first line the server logged while answering.
 */
export function check(req: FuzzRequest, reply: FuzzReply, appended: boolean, serverError?: string): Violation[] {
  const out: Violation[] = [];
  const code = problemCode(reply);
  if (reply.status === 0) out.push({ kind: 'no answer', signature: `no answer to ${req.op}` });
  if (reply.status >= 500)
    out.push({
      kind: '5xx',
      signature: `${reply.status} ${code ?? gist(reply.text)}: ${serverError ? gist(serverError) : 'nothing logged'}`,
    });
  if (reply.status >= 400 && code === undefined)
    out.push({ kind: 'not a problem', signature: `${reply.status} ${reply.contentType || '(no content type)'} ${gist(reply.text)}` });
  if (reply.status >= 400 && appended)
    out.push({ kind: 'refused but recorded', signature: `${req.op} ${reply.status} ${code} recorded events` });
  return out;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);

/** A request as a line a developer can read and replay by hand. */
export function describeRequest(r: FuzzRequest): string {
  const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, clip(v, 60)]));
  const body = r.body === undefined ? ' (no body)' : ` body ${JSON.stringify(clip(r.body, 300))}`;
  return `${r.method} ${JSON.stringify(clip(r.target, 160))} headers ${JSON.stringify(headers)}${body}`;
}

export const describeReply = (r: FuzzReply) => `${r.status} ${r.contentType || '(no content type)'} ${JSON.stringify(clip(r.text, 240))}`;
