import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { ERASURE_BASES, ErasureBasis } from '@app/domain';
import { Text, WithBusinessDate } from '../http/dto-common';

const BASES = Object.keys(ERASURE_BASES);

export class ErasureDto extends WithBusinessDate {
  @ApiPropertyOptional({ description: 'The borrower, by the id a lookup gives; or give idNumber' })
  @IsOptional()
  @Matches(/^[0-9a-f]{32}$/, { message: 'borrowerId must be the 32 characters a borrower lookup gives' })
  borrowerId?: string;
  @ApiPropertyOptional({ description: "The person's ID number, when their borrower id is not at hand (it is not kept)" })
  @IsOptional()
  @Text(15, 18)
  idNumber?: string;
  @ApiProperty({
    enum: BASES,
    description: Object.entries(ERASURE_BASES)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; '),
  })
  @IsIn(BASES, { message: `legalBasis must be one of: ${BASES.join(', ')}` })
  legalBasis!: ErasureBasis;
  @ApiPropertyOptional({
    description:
      "The basis in the officer's words: the article, the court's order. Kept with the keyring's record of the erasure, not in the history",
  })
  @IsOptional()
  @Text(1, 500)
  basisDetail?: string;
  @ApiProperty({
    example: '赣人社个保〔2026〕17号',
    description: "The file number of the person's request or of the order: recorded in the history for good, so never a name",
  })
  @Text(1, 100)
  requestReference!: string;
}
