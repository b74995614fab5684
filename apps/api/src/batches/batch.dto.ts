import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { Text } from '../http/dto-common';
import { DisburseDto, RepaymentDto } from '../loans/loan.dto';

export class RepaymentLineDto extends RepaymentDto {
  @ApiProperty() @Text(1, 128) loanId!: string;
  @ApiPropertyOptional({ description: "The bank's own reference for the payment: a line with a reference sent before is recorded once." })
  @IsOptional()
  @Text(1, 64)
  reference?: string;
}

export class DisbursementLineDto extends DisburseDto {
  @ApiProperty() @Text(1, 128) loanId!: string;
  @ApiPropertyOptional({
    description: "The bank's own reference for the disbursement: a line with a reference sent before is recorded once.",
  })
  @IsOptional()
  @Text(1, 64)
  reference?: string;
}

/** A column of an uploaded file: the field it fills, the Chinese heading a bank's file may use instead, and how to read it. */
export interface Column {
  field: string;
  heading: string;
  kind: 'text' | 'integer';
}

const common = {
  loanId: { field: 'loanId', heading: '贷款编号', kind: 'text' },
  borrowerFeesFen: { field: 'borrowerFeesFen', heading: '借款人费用(分)', kind: 'integer' },
  businessDate: { field: 'businessDate', heading: '业务日期', kind: 'text' },
  reference: { field: 'reference', heading: '流水号', kind: 'text' },
} satisfies Record<string, Column>;

export const REPAYMENT_COLUMNS: Column[] = [
  common.loanId,
  { field: 'principalFen', heading: '还款本金(分)', kind: 'integer' },
  { field: 'interestFen', heading: '还款利息(分)', kind: 'integer' },
  common.borrowerFeesFen,
  common.businessDate,
  common.reference,
];

export const DISBURSEMENT_COLUMNS: Column[] = [
  common.loanId,
  { field: 'amountFen', heading: '放款金额(分)', kind: 'integer' },
  { field: 'contractRateBp', heading: '合同利率(基点)', kind: 'integer' },
  { field: 'repaymentMethod', heading: '还款方式', kind: 'text' },
  { field: 'bankContractNo', heading: '借款合同号', kind: 'text' },
  common.borrowerFeesFen,
  common.businessDate,
  common.reference,
];
