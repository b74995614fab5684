import {
  BadRequestException,
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
} from '@nestjs/common';
import { Answers } from '../http/schema';
import { DEAD_LETTERS, REGISTERED, REPLAYED, WEBHOOKS } from './webhook.responses';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiResponse, ApiTags } from '@nestjs/swagger';
import { IsUrl } from 'class-validator';
import { randomBytes, randomUUID } from 'node:crypto';
import { ReferenceData } from '@app/domain';
import { Permit } from '../auth/access.guard';
import { feedFilter, feedStart } from '../feed/feed-filter';
import { FeedFilterQuery } from '../feed/feed.controller';
import { ApiConfig } from '../config';
import { API_CONFIG } from '../tokens';
import { refusedUrl } from './public-address';
import { WebhookDeliveries } from './webhook-deliveries';
import { Webhook } from './webhook-store';

class WebhookDto extends FeedFilterQuery {
  @ApiProperty({ example: 'https://bureau.example/loan-events' })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  url!: string;
}

/** A webhook as an operator sees it: never its secret. */
/** A webhook as the API shows it: never its secret once registered; `created` as the instant it is (`createdAt`). */
const shown = ({ secret: _secret, created, ...webhook }: Webhook) => ({ ...webhook, createdAt: created });

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('webhooks')
export class WebhooksController {
  constructor(
    private readonly deliveries: WebhookDeliveries,
    private readonly reference: ReferenceData,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
  ) {}

  @Post()
  @Permit('webhooks.manage')
  @ApiOperation({
    summary: "Register a service's endpoint: each matching event after `after` is POSTed to it, signed; the secret is shown once",
  })
  @Answers(REGISTERED, 201)
  async register(@Body() dto: WebhookDto) {
    const { url, after, ...filter } = dto;
    feedFilter(filter, this.reference);
    const start = feedStart(after);
    const refused = await refusedUrl(new URL(url), this.config.webhookPrivateAddresses);
    if (refused) throw new BadRequestException({ code: 'WEBHOOK.URL_REFUSED', message: refused });
    const webhook: Webhook = {
      id: randomUUID(),
      url,
      secret: randomBytes(32).toString('base64url'),
      filter,
      position: start === 'start' ? 'start' : after!,
      created: new Date().toISOString(),
    };
    this.deliveries.store.add(webhook);
    this.deliveries.start(webhook);
    return { ...shown(webhook), secret: webhook.secret };
  }

  @Get()
  @Permit('webhooks.manage')
  @ApiOperation({ summary: 'The registered webhooks, how far each has been delivered, and how many events each gave up on' })
  @Answers(WEBHOOKS)
  list() {
    return this.deliveries.store.all().map((w) => ({ ...shown(w), deadLetters: this.deliveries.store.deadLetters(w.id).length }));
  }

  @Delete(':id')
  @Permit('webhooks.manage')
  @HttpCode(204)
  @ApiOperation({ summary: 'Stop and remove a webhook, with its dead letters' })
  @ApiResponse({ status: 204, description: 'Removed' })
  async remove(@Param('id') id: string) {
    await this.deliveries.stop(id);
    if (!this.deliveries.store.remove(id)) throw notFound();
  }

  @Get(':id/dead-letters')
  @Permit('webhooks.manage')
  @ApiOperation({ summary: 'The events a webhook gave up on, with the last error of each' })
  @Answers(DEAD_LETTERS)
  deadLetters(@Param('id') id: string) {
    if (!this.deliveries.store.get(id)) throw notFound();
    return this.deliveries.store.deadLetters(id);
  }

  @Post(':id/dead-letters/replay')
  @Permit('webhooks.manage')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send the dead letters again, oldest first, one attempt each; those taken leave the list' })
  @Answers(REPLAYED)
  async replay(@Param('id') id: string) {
    const webhook = this.deliveries.store.get(id);
    if (!webhook) throw notFound();
    const replayed = await this.deliveries.replay(webhook);
    if (replayed === 'busy')
      throw new ConflictException({
        code: 'WEBHOOK.REPLAYING',
        message: "This webhook's dead letters are being sent again already; wait for it to finish.",
      });
    return replayed;
  }
}

const notFound = () => new NotFoundException({ code: 'WEBHOOK.NOT_FOUND', message: 'There is no webhook with that id.' });
