import { BadRequestException, Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { Answers } from '../http/schema';
import { CONSISTENCY, DIGEST, DIGESTS, INCLUSION, PUBLICATION, PUBLIC_KEY, REPLAYS, VERIFICATION } from './audit.responses';
import type { FastifyReply } from 'fastify';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Acting, RequestContext } from '../http/request-context';
import { Permit, Public } from '../auth/access.guard';
import { AuditService } from './audit.service';
import { ConsistencyQuery, InclusionQuery, SealDto } from './audit.dto';

/** For auditors: the signed monthly digests of the history, proofs against them, and the verifier. */
@ApiTags('audit')
@ApiBearerAuth()
@ApiSecurity('service-key')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get('public-key')
  @Public()
  @ApiOperation({
    summary: "The Ed25519 public key the digests are signed with (SPKI PEM) and its id: what anyone checks a digest's signature against",
  })
  @Answers(PUBLIC_KEY)
  publicKey() {
    return this.audit.publicKey();
  }

  @Get('digests')
  @Permit('audit.read')
  @ApiOperation({ summary: 'Every monthly digest, oldest first: the Merkle root of the whole history at each month end, signed' })
  @Answers(DIGESTS)
  digests() {
    return this.audit.digests();
  }

  @Get('digests/:month')
  @Permit('audit.read')
  @ApiOperation({ summary: "One month's digest; 404 AUDIT.NOT_SEALED before the month is sealed" })
  @Answers(DIGEST)
  digest(@Param('month') month: string) {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
      throw new BadRequestException({ code: 'REQUEST.INVALID', message: 'A month looks like 2011-06.' });
    return this.audit.digest(month);
  }

  @Post('digests')
  @Permit('audit.seal')
  @ApiOperation({
    summary:
      'Seal a month now (the day-end run seals each month after its last day): 201 with the new digest, 200 with the one recorded before',
  })
  @Answers(DIGEST, 201, 'Sealed now')
  @Answers(DIGEST, 200, 'Sealed before')
  async seal(@Acting() ctx: RequestContext, @Body() dto: SealDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const { digest, recorded } = await this.audit.seal(dto.month, ctx.actor).catch((error: Error) => {
      if (error instanceof RangeError) throw new BadRequestException({ code: 'AUDIT.OUT_OF_ORDER', message: error.message });
      throw error;
    });
    reply.status(recorded ? 201 : 200);
    return digest;
  }

  @Post('bulletins')
  @Permit('bulletin.publish')
  @ApiOperation({
    summary:
      "Publish a month's bulletin: record the moment it shows the history as known at, and the SHA-256 of its content (every region)",
  })
  @Answers(PUBLICATION, 201)
  publishBulletin(@Acting() ctx: RequestContext, @Body() dto: SealDto) {
    return this.audit.publishBulletin(dto.month, ctx.actor);
  }

  @Get('bulletins/:month/replay')
  @Permit('audit.read')
  @ApiOperation({
    summary: "Each publication of a month's bulletin rebuilt from the history known when it was published: whether it gives the same bytes",
  })
  @Answers(REPLAYS)
  replayBulletin(@Param('month') month: string) {
    if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
      throw new BadRequestException({ code: 'REQUEST.INVALID', message: 'A month looks like 2011-06.' });
    return this.audit.replayBulletin(month);
  }

  @Get('proofs/inclusion')
  @Permit('audit.read')
  @ApiOperation({
    summary:
      "Proof that an event is in the history a month's digest signed (RFC 6962 audit path); check it with apps/cli/audit/verify-proof.mjs",
  })
  @Answers(INCLUSION)
  inclusion(@Query() q: InclusionQuery) {
    return this.audit.inclusion(q.eventId, q.month);
  }

  @Get('proofs/consistency')
  @Permit('audit.read')
  @ApiOperation({ summary: "Proof that a later month's digest extends an earlier one's history unchanged (RFC 6962)" })
  @Answers(CONSISTENCY)
  consistency(@Query() q: ConsistencyQuery) {
    return this.audit.consistency(q.from, q.to);
  }

  @Post('verifications')
  @Permit('audit.read')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Run the verifier: replay the whole history, recompute every chain and digest, and compare every projection with a rebuild; it changes nothing. One run at a time',
  })
  @Answers(VERIFICATION, 202)
  verify() {
    return this.audit.startVerification();
  }

  @Get('verifications/latest')
  @Permit('audit.read')
  @ApiOperation({ summary: "The verifier's latest run: its progress, then what it found" })
  @Answers(VERIFICATION)
  latest() {
    return this.audit.latestVerification();
  }
}
