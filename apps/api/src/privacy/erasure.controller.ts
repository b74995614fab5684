import { BadRequestException, Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Answers } from '../http/schema';
import { ERASED } from './erasure.responses';
import { ApiBearerAuth, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Acting, Envelopes, RequestContext } from '../http/request-context';
import { Permit } from '../auth/access.guard';
import { BorrowerIdentity } from '../programme/borrower-identity';
import { IDEMPOTENCY_HEADER } from '../loans/loans.controller';
import { ErasureDto } from './erasure.dto';
import { Erasures } from './erasures';

@ApiTags('borrowers')
@ApiBearerAuth()
@ApiHeader(IDEMPOTENCY_HEADER)
@Controller('borrowers')
export class ErasureController {
  constructor(
    private readonly erasures: Erasures,
    private readonly identity: BorrowerIdentity,
    private readonly envelopes: Envelopes,
  ) {}

  @Post('erasures')
  @Permit('borrower.erase')
  @HttpCode(200)
  @ApiOperation({
    summary: "Erase a borrower's personal data (BorrowerDataErased): the keys it was sealed with are destroyed",
    description:
      'Every event, hash, digest and ledger row stays; the masked ID number and the project name read as （已删除） everywhere ' +
      'from then on, exports and the feed included. Refused (409 BORROWER.LOAN_OPEN) while a loan of the person is open. ' +
      'Sending the request again changes nothing and answers the erasures recorded.',
  })
  @Answers(ERASED)
  async erase(@Acting() ctx: RequestContext, @Body() dto: ErasureDto) {
    if ((dto.borrowerId === undefined) === (dto.idNumber === undefined))
      throw new BadRequestException({
        code: 'REQUEST.INVALID',
        message: 'Name the person by borrowerId or by idNumber, one of the two.',
      });
    const env = await this.envelopes.for(ctx, dto.businessDate);
    const borrowerId = dto.borrowerId ?? this.identity.identify(dto.idNumber!).borrowerId;
    return this.erasures.erase(borrowerId, dto, env.actor, env.businessDate);
  }
}
