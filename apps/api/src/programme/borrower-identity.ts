import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { RiskKeys, idNumberProblem, maskIdNumber, normaliseIdNumber } from '@app/domain';
import { RiskDetails, riskKeysOf } from './risk-keys';
import { API_CONFIG } from '../tokens';
import { ApiConfig } from '../config';

/**
 * ID numbers stop here: the rest of the system sees a keyed hash (to match a person across the province)
 * and a masked form (to show a clerk), never the number itself.
 */
@Injectable()
export class BorrowerIdentity {
  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {}

  /** `whose`: the person the number is of, for the refusal (the borrower's, or their guarantor's). */
  identify(idNumber: string, whose: 'borrower' | 'guarantor' = 'borrower'): { borrowerId: string; maskedIdNumber: string } {
    const problem = idNumberProblem(idNumber);
    if (problem)
      throw new BadRequestException({
        code: whose === 'borrower' ? 'BORROWER.BAD_ID_NUMBER' : 'LOAN.BAD_GUARANTOR_ID_NUMBER',
        message: `The ${whose === 'borrower' ? '' : "guarantor's "}ID number is not valid: ${problem}.`,
      });
    const borrowerId = createHmac('sha256', this.config.borrowerKeySecret).update(normaliseIdNumber(idNumber)).digest('hex').slice(0, 32);
    return { borrowerId, maskedIdNumber: maskIdNumber(idNumber) };
  }

  /** Risk control's blind indexes of an application's details (see risk-keys.ts). */
  riskKeys(details: RiskDetails): RiskKeys {
    return riskKeysOf(details, this.config.borrowerKeySecret);
  }
}
