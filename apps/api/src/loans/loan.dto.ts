import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  ValidateNested,
} from 'class-validator';
import { BORROWER_CATEGORIES, COUNTER_GUARANTEE_MODES, LOAN_KINDS, RECOVERY_SOURCES, REPAYMENT_METHODS, RISK_DECISIONS } from '@app/domain';
import { AmountFen, CalendarDate, Count, RateBp, Text, WithBusinessDate } from '../http/dto-common';

const oneOf = (values: readonly string[]) => ({ message: `$property must be one of: ${values.join(', ')}` });

export class ProjectDto {
  @ApiProperty({ example: '脐橙种植' }) @Text(1, 200) name!: string;
  @ApiProperty({ example: 'agriculture' }) @Text(1, 100) industry!: string;
}

export class CounterGuaranteeDto {
  @ApiProperty({ enum: COUNTER_GUARANTEE_MODES })
  @IsIn(COUNTER_GUARANTEE_MODES, oneOf(COUNTER_GUARANTEE_MODES))
  mode!: (typeof COUNTER_GUARANTEE_MODES)[number];
  @ApiPropertyOptional({ description: 'Households in a joint guarantee (3 or more).' })
  @IsOptional()
  @Count(1, 100)
  households?: number;
  @ApiPropertyOptional({ description: 'The credit community recommending the borrower.' })
  @IsOptional()
  @Text(1, 64)
  creditCommunityId?: string;
}

export class ApplyForLoanDto extends WithBusinessDate {
  @ApiPropertyOptional({ description: 'Chosen by the caller, or derived from the Idempotency-Key.' })
  @IsOptional()
  @IsUUID()
  loanId?: string;
  @ApiProperty({
    example: '11010519491231002X',
    description: 'Resident ID number (GB 11643): 18 characters, or 15 digits for a first-generation card. Hashed on arrival; never stored.',
  })
  @IsString()
  @Matches(/^(\d{17}[\dXx]|\d{15})$/, {
    message: 'idNumber must be 18 characters (17 digits and a final digit or X), or 15 digits for a first-generation card',
  })
  idNumber!: string;
  @ApiProperty({ enum: BORROWER_CATEGORIES, isArray: true })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(7)
  @ArrayUnique({ message: 'categories must not list a category twice' })
  @IsIn(BORROWER_CATEGORIES, { each: true, ...oneOf(BORROWER_CATEGORIES) })
  categories!: Array<(typeof BORROWER_CATEGORIES)[number]>;
  @ApiProperty({ enum: LOAN_KINDS }) @IsIn(LOAN_KINDS, oneOf(LOAN_KINDS)) kind!: (typeof LOAN_KINDS)[number];
  @ApiProperty({ type: ProjectDto }) @ValidateNested() @Type(() => ProjectDto) project!: ProjectDto;
  @ApiProperty() @IsBoolean() microProfit!: boolean;
  @ApiProperty({ example: 5_000_000, description: 'Amount applied for, in fen.' }) @AmountFen(1) amountFen!: number;
  @ApiProperty({ example: 24 }) @Count(1, 120) termMonths!: number;
  @ApiProperty({ example: '360721', description: 'GB/T 2260 code of the county or district.' })
  @Matches(/^\d{6}$/, { message: 'countyCode must be a six-digit region code' })
  countyCode!: string;
  @ApiProperty({ example: 'GC-360721' }) @Text(1, 64) centreId!: string;
  @ApiProperty({ example: 'ABC-360721' }) @Text(1, 64) branchId!: string;
  @ApiProperty({ type: CounterGuaranteeDto }) @ValidateNested() @Type(() => CounterGuaranteeDto) counterGuarantee!: CounterGuaranteeDto;
  @ApiProperty({ example: 1 }) @Count(1, 10_000) personsSupported!: number;
  @ApiProperty({ example: 3 }) @Count(1, 100_000) jobsPlanned!: number;
  @ApiPropertyOptional({ description: 'The first loan, for second support.' })
  @IsOptional()
  @Text(1, 64)
  previousLoanId?: string;
  @ApiPropertyOptional({
    example: 6,
    description:
      "For second support in one request: people the first loan's project employs, as verified by the centre. Every condition is then checked at once, and the grant recorded with the application.",
  })
  @IsOptional()
  @Count(0, 100_000)
  jobsCreated?: number;
  @ApiPropertyOptional({
    example: '138 0795 1234',
    description: "The borrower's phone. Sealed; risk control matches it with other borrowers'.",
  })
  @IsOptional()
  @Matches(/^\+?[\d\s()-]{7,24}$/, { message: 'phone must be a phone number: digits, with spaces, dashes or a leading + if written so' })
  phone?: string;
  @ApiPropertyOptional({
    example: '江西省丰城市剑光街道龙津路 18 号',
    description: "The borrower's address. Sealed; matched like the phone.",
  })
  @IsOptional()
  @Text(4, 200)
  address?: string;
  @ApiPropertyOptional({ example: '6228 4800 1234 5678 901', description: "The borrower's bank account. Sealed; matched like the phone." })
  @IsOptional()
  @Matches(/^[\d\s]{10,40}$/, { message: 'bankAccount must be the account number: its digits, with spaces if written so' })
  bankAccount?: string;
  @ApiPropertyOptional({
    example: '91360981MA35L2XB4Q',
    description:
      "The business's licence: the 18-character unified social credit code, or the 15-digit registration number before it. Sealed; matched against other borrowers' open loans.",
  })
  @IsOptional()
  @Matches(/^\s*([0-9A-Za-z]{18}|\d{15})\s*$/, {
    message: 'businessLicence must be the 18-character unified social credit code or the 15-digit registration number',
  })
  businessLicence?: string;
  @ApiPropertyOptional({
    example: '360721198001011234',
    description:
      "For a third-party guarantee: the guarantor's ID number. Hashed on arrival like the borrower's; risk control counts the open loans they stand behind.",
  })
  @IsOptional()
  @Matches(/^(\d{17}[\dXx]|\d{15})$/, {
    message: 'guarantorIdNumber must be 18 characters (17 digits and a final digit or X), or 15 digits for a first-generation card',
  })
  guarantorIdNumber?: string;
}

export class RiskReviewDto extends WithBusinessDate {
  @ApiProperty({
    enum: RISK_DECISIONS,
    description: '`cleared`: the loan may go on to the guarantee; `declined`: the application is rejected.',
  })
  @IsIn(RISK_DECISIONS, oneOf(RISK_DECISIONS))
  decision!: (typeof RISK_DECISIONS)[number];
  @ApiProperty({ example: '核实为夫妻共用电话，非冒名贷款', description: 'What was checked, and why it was decided so.' })
  @Text(1, 500)
  note!: string;
}

export class RejectDto extends WithBusinessDate {
  @ApiProperty({ example: 'INCOMPLETE_FILE' })
  @Matches(/^[A-Z][A-Z0-9_]{1,39}$/, { message: 'reasonCode must be an upper-case code like INCOMPLETE_FILE' })
  reasonCode!: string;
  @ApiPropertyOptional() @IsOptional() @Text(0, 500) note?: string;
}

export class SecondSupportDto extends WithBusinessDate {
  @ApiProperty({ example: 6, description: 'People employed by the project, as verified by the centre.' })
  @Count(0, 100_000)
  jobsCreated!: number;
}

export class GuaranteeDto extends WithBusinessDate {
  @ApiProperty({ example: 5_000_000 }) @AmountFen(1) guaranteedAmountFen!: number;
  @ApiProperty({ example: 100, description: 'Annual guarantee fee in basis points (at most 100), paid by finance.' })
  @RateBp(0)
  feeRateBp!: number;
  @ApiProperty({ enum: ['finance', 'borrower'] }) @IsIn(['finance', 'borrower'], oneOf(['finance', 'borrower'])) feePaidBy!:
    'finance' | 'borrower';
}

export class DisburseDto extends WithBusinessDate {
  @ApiProperty({ example: 5_000_000 }) @AmountFen(1) amountFen!: number;
  @ApiProperty({ example: 831, description: 'Contract rate in basis points a year: 831 = 8.31 %.' })
  @RateBp(1, 5000)
  contractRateBp!: number;
  @ApiProperty({ enum: REPAYMENT_METHODS })
  @IsIn(REPAYMENT_METHODS, oneOf(REPAYMENT_METHODS))
  repaymentMethod!: (typeof REPAYMENT_METHODS)[number];
  @ApiProperty({ example: 'ABC-2011-000123' }) @Text(1, 64) bankContractNo!: string;
  @ApiPropertyOptional({ description: 'Any fee charged to the borrower, in fen: must be 0.' })
  @IsOptional()
  @AmountFen(0)
  borrowerFeesFen?: number;
}

export class RepaymentDto extends WithBusinessDate {
  @ApiProperty({ example: 0 }) @AmountFen(0) principalFen!: number;
  @ApiProperty({ example: 58_333 }) @AmountFen(0) interestFen!: number;
  @ApiPropertyOptional() @IsOptional() @AmountFen(0) borrowerFeesFen?: number;
}

export class ExtensionDto extends WithBusinessDate {
  @ApiProperty({ example: '2013-06-10' }) @CalendarDate() newMaturity!: string;
  @ApiProperty() @IsBoolean() guarantorConsent!: boolean;
}

export class RecoveryDto extends WithBusinessDate {
  @ApiProperty({ example: 1_000_000 }) @AmountFen(1) amountFen!: number;
  @ApiProperty({ enum: RECOVERY_SOURCES }) @IsIn(RECOVERY_SOURCES, oneOf(RECOVERY_SOURCES)) source!: (typeof RECOVERY_SOURCES)[number];
}

export class WriteOffDto extends WithBusinessDate {
  @ApiProperty({ example: 'FIN-2011-88', description: 'Reference of the approval to write off.' })
  @Text(1, 64)
  approvalRef!: string;
}

export class BusinessDateOnlyDto extends WithBusinessDate {}

export class LoanDayQuery {
  @ApiPropertyOptional({ example: '2011-06-20', description: 'The day (YYYY-MM-DD); today when left out. A day to come is allowed.' })
  @IsOptional()
  @CalendarDate()
  date?: string;
}
