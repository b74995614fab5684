import { EVENT_CATALOGUE, EVENT_SCHEMAS, EVENT_TYPES } from '@app/domain';

const SCHEMA_FORMAT = 'application/schema+json;version=draft-07';

/** An event as the feed, its pages and webhooks deliver it (`eventView`), with this type's current data schema. */
function envelope(type: string): object {
  const { version } = EVENT_CATALOGUE[type as keyof typeof EVENT_CATALOGUE];
  const { $schema: _, ...data } = EVENT_SCHEMAS[type][version] as Record<string, unknown>;
  return {
    type: 'object',
    required: ['id', 'type', 'streamName', 'revision', 'position', 'recordedAt', 'data', 'metadata'],
    properties: {
      id: { type: 'string', format: 'uuid', description: "The event's id, the same in every delivery of it." },
      type: { const: type },
      streamName: { type: 'string', description: 'Its record: the category, a dash, and the id (such as loan-…).' },
      revision: { type: 'string', pattern: '^\\d+$', description: 'Its place in its record, from 0.' },
      position: { type: 'string', pattern: '^\\d+/\\d+$', description: 'Its place in the whole log: the SSE id, and where to resume.' },
      recordedAt: { type: 'string', format: 'date-time' },
      data,
      metadata: {
        type: 'object',
        required: ['schemaVersion', 'actor', 'businessDate', 'commandId', 'correlationId', 'causationId'],
        properties: {
          schemaVersion: { const: version, description: 'The version of `data`; older versions are upcast before delivery.' },
          actor: { type: 'object', description: 'Who acted: role, organisation and name of staff, or a service, or the system.' },
          businessDate: { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' },
          policyVersion: { type: 'string' },
          commandId: { type: 'string' },
          correlationId: { type: 'string' },
          causationId: { type: 'string' },
        },
      },
    },
  };
}

/**
 * The AsyncAPI 3 document of what backend services receive: the live feed (Server-Sent Events at GET /feed) and
 * webhooks (POSTed to an endpoint an operator registers), each message one event with its published schema.
 */
export function asyncApiDocument(server: { host: string; protocol: string }): object {
  const messages = Object.fromEntries(
    EVENT_TYPES.map((type) => [
      type,
      {
        name: type,
        title: type,
        summary: EVENT_CATALOGUE[type].meaning,
        contentType: 'application/json',
        payload: { schemaFormat: SCHEMA_FORMAT, schema: envelope(type) },
      },
    ]),
  );
  const channelRefs = (channel: string) => EVENT_TYPES.map((t) => ({ $ref: `#/channels/${channel}/messages/${t}` }));
  const channelMessages = Object.fromEntries(EVENT_TYPES.map((t) => [t, { $ref: `#/components/messages/${t}` }]));
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Guaranteed start-up loans: events for backend services',
      version: '1.0.0',
      description:
        'Every event the programme records, in the order of the log. Events hold no names or phone numbers, and ID numbers only masked. ' +
        'See docs/feed.md and docs/events.md.',
    },
    defaultContentType: 'application/json',
    servers: {
      api: {
        host: server.host,
        protocol: server.protocol,
        description: 'The API. Sign in with a bearer token or a service key that has the feed.read scope.',
        security: [{ $ref: '#/components/securitySchemes/bearer' }, { $ref: '#/components/securitySchemes/serviceKey' }],
      },
    },
    channels: {
      feed: {
        address: '/feed',
        title: 'The live feed',
        description:
          'Server-Sent Events: history after `after` (or Last-Event-ID), then live events; each SSE message has the position as its id. ' +
          'Query parameters types, categories and region narrow it; the same events come as JSON pages at /feed/events and NDJSON at /feed/events.ndjson.',
        servers: [{ $ref: '#/servers/api' }],
        messages: channelMessages,
      },
      webhook: {
        address: null,
        title: 'A webhook',
        description:
          'POSTed to the URL an operator registers (POST /webhooks), one event per request, in log order, with the headers ' +
          'x-webhook-id, x-event-position, x-webhook-timestamp and x-webhook-signature: sha256= and the hex HMAC-SHA-256 of ' +
          "the timestamp, a dot and the body, keyed with the webhook's secret.",
        messages: channelMessages,
      },
    },
    operations: {
      followFeed: { action: 'receive', title: 'Follow the feed', channel: { $ref: '#/channels/feed' }, messages: channelRefs('feed') },
      receiveWebhook: {
        action: 'receive',
        title: "Receive a webhook's deliveries",
        channel: { $ref: '#/channels/webhook' },
        messages: channelRefs('webhook'),
      },
    },
    components: {
      messages,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        serviceKey: { type: 'httpApiKey', in: 'header', name: 'X-Api-Key' },
      },
    },
  };
}
