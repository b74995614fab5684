import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { idNumberProblem, maskIdNumber, normaliseIdNumber } from '@app/domain';
import { API_CONFIG } from '../tokens';
import { ApiConfig } from '../config';

/**
 * ID numbers stop here: the rest of the system sees a keyed hash (to match a person across the province)
 * and a masked form (to show a clerk), never the number itself.
 */
@Injectable()
export class BorrowerIdentity {
  constructor(@Inject(API_CONFIG) private readonly config: ApiConfig) {}

  identify(idNumber: string): { borrowerId: string; maskedIdNumber: string } {
    const problem = idNumberProblem(idNumber);
    if (problem) throw new BadRequestException({ code: 'BORROWER.BAD_ID_NUMBER', message: `The ID number is not valid: ${problem}.` });
    const borrowerId = createHmac('sha256', this.config.borrowerKeySecret).update(normaliseIdNumber(idNumber)).digest('hex').slice(0, 32);
    return { borrowerId, maskedIdNumber: maskIdNumber(idNumber) };
  }
}
