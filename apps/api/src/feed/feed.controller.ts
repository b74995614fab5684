import { Controller, Get, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OutgoingHttpHeaders } from 'node:http';
import { EVENT_CATALOGUE, EVENT_SCHEMAS, EVENT_TYPES, ReferenceData } from '@app/domain';
import { Permit } from '../auth/access.guard';
import { Answers, AnswersFile, EVENT, arr, bool, int, map, obj, str } from '../http/schema';
import { asyncApiDocument } from './asyncapi';
import { CATEGORIES, FeedQuery, feedFilter, feedStart } from './feed-filter';
import { FeedService } from './feed.service';

export class FeedFilterQuery implements FeedQuery {
  @ApiPropertyOptional({ description: 'Only these event types, comma-separated', example: 'Disbursed,Repaid' })
  @IsOptional()
  @IsString()
  @MaxLength(2_000)
  types?: string;

  @ApiPropertyOptional({ description: `Only these kinds of record, comma-separated: ${CATEGORIES.join(', ')}`, example: 'loan' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  categories?: string;

  @ApiPropertyOptional({ description: "Only a region's loans, funds and targets (a county, a city, or the province)", example: '360721' })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  region?: string;

  @ApiPropertyOptional({ description: 'Start after this position (the id of the last event received), or "start"', example: '1042/1042' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  after?: string;
}

class FeedPageQuery extends FeedFilterQuery {
  @ApiPropertyOptional({ maximum: 1_000, default: 100 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1_000) limit?: number;
}

class FeedStreamQuery extends FeedFilterQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], default: 'true', description: 'false: end once caught up with the log' })
  @IsOptional()
  @IsIn(['true', 'false'])
  live?: 'true' | 'false';
}

/** The headers of a streamed answer: those the edge set (security headers), and the stream's own. */
function streamHead(reply: FastifyReply, contentType: string): OutgoingHttpHeaders {
  return {
    ...(reply.getHeaders() as OutgoingHttpHeaders),
    'content-type': contentType,
    'cache-control': 'no-cache, no-transform',
    'x-accel-buffering': 'no',
  };
}

@ApiTags('feed')
@ApiBearerAuth()
@ApiSecurity('service-key')
@Controller('feed')
export class FeedController {
  constructor(
    private readonly feed: FeedService,
    private readonly reference: ReferenceData,
  ) {}

  @Get()
  @Permit('feed.read')
  @AnswersFile(['text/event-stream'])
  @ApiOperation({
    summary: 'The live feed (Server-Sent Events): history after a position, then each event as it is recorded',
    description:
      'Each event is one SSE message whose id is its position and whose data is the event as JSON. A client that ' +
      'reconnects with Last-Event-ID resumes right after the last event it received. Comments are heartbeats.',
  })
  async follow(@Query() query: FeedStreamQuery, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const filter = feedFilter(query, this.reference);
    const lastEventId = request.headers['last-event-id'];
    const from = feedStart(typeof lastEventId === 'string' && lastEventId !== '' ? lastEventId : query.after);
    reply.hijack();
    reply.raw.writeHead(200, streamHead(reply, 'text/event-stream; charset=utf-8'));
    await this.feed.follow(reply.raw, from, filter, query.live !== 'false');
  }

  @Get('events')
  @Permit('feed.read')
  @ApiOperation({ summary: 'The feed as JSON pages: up to `limit` events after a position, and where the next page starts' })
  @Answers(obj({ events: arr(EVENT), next: str, end: bool }))
  async page(@Query() query: FeedPageQuery) {
    return this.feed.page(feedStart(query.after), feedFilter(query, this.reference), query.limit ?? 100);
  }

  @Get('events.ndjson')
  @Permit('feed.read')
  @AnswersFile(['application/x-ndjson'])
  @ApiOperation({ summary: 'The whole history after a position as NDJSON, one event per line, streamed' })
  async ndjson(@Query() query: FeedFilterQuery, @Res() reply: FastifyReply) {
    const [from, filter] = [feedStart(query.after), feedFilter(query, this.reference)];
    reply.hijack();
    reply.raw.writeHead(200, streamHead(reply, 'application/x-ndjson; charset=utf-8'));
    await this.feed.writeNdjson(reply.raw, from, filter);
  }

  @Get('schemas')
  @Permit('feed.read')
  @ApiOperation({
    summary: "Every event type's meaning and JSON Schemas: the current version, and the earlier ones still upcast on read",
  })
  @Answers(map(obj({ category: str, meaning: str, version: int, schemas: map({ type: 'object' }) })))
  schemas() {
    return Object.fromEntries(
      EVENT_TYPES.map((type) => {
        const { category, meaning, version } = EVENT_CATALOGUE[type];
        return [type, { category, meaning, version, schemas: EVENT_SCHEMAS[type] }];
      }),
    );
  }

  @Get('asyncapi.json')
  @Permit('feed.read')
  @ApiOperation({ summary: "The AsyncAPI 3 document of the feed and the webhooks, with every event's schema" })
  @Answers({ type: 'object', description: 'The AsyncAPI 3 document of the feed and the webhooks' })
  asyncApi(@Req() request: FastifyRequest) {
    return asyncApiDocument({ host: request.host, protocol: request.protocol });
  }
}
