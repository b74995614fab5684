import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { applyDecorators } from '@nestjs/common';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, ValidateBy } from 'class-validator';
import { KNOWN_AT_MESSAGE, isKnownAt } from '@app/projections';
import { Type } from 'class-transformer';
import { CalendarDate, DATE, dateMessage } from '../http/dto-common';
import { TABLE_FORMATS as FORMATS, TABLE_FORMAT_MESSAGE } from './send-table';

/** A moment in the recording clock, with its time zone (see KNOWN_AT). */
const KnownAt = (description: string) =>
  applyDecorators(
    ApiPropertyOptional({ description: `${description}: a time with its zone (ISO 8601)`, example: '2011-07-01T08:00:00+08:00' }),
    IsOptional(),
    ValidateBy({
      name: 'isKnownAt',
      validator: { validate: (v) => typeof v === 'string' && isKnownAt(v), defaultMessage: () => KNOWN_AT_MESSAGE },
    }),
  );

/** Query strings of the ledger, bulletin and export endpoints. */
export class PageQuery {
  @ApiPropertyOptional({ description: 'A field of the rows, by its name in the answer (disbursedOn, amountAppliedFen, …)' })
  @IsOptional()
  @IsString()
  sort?: string;
  @ApiPropertyOptional({ enum: ['asc', 'desc'] }) @IsOptional() @IsIn(['asc', 'desc']) order?: 'asc' | 'desc';
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) page?: number;
  @ApiPropertyOptional({ maximum: 1000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) pageSize?: number;
  @ApiPropertyOptional() @IsOptional() @Matches(DATE, dateMessage) from?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(DATE, dateMessage) to?: string;
  @ApiPropertyOptional({ description: 'The ledger as it stood at the end of this business date' })
  @IsOptional()
  @Matches(DATE, dateMessage)
  asOf?: string;
  @KnownAt('The ledger as the system knew it at this moment') knownAt?: string;
}

export class BusinessQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() countyCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() cityCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() centreId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() bankCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() branchId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() status?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() kind?: string;
  @ApiPropertyOptional({ description: 'Borrower category tag' }) @IsOptional() @IsString() category?: string;
  @ApiPropertyOptional({
    enum: ['pending', 'cleared', 'declined'],
    description: "Risk control's review: `pending` lists the flagged applications an officer must still decide on",
  })
  @IsOptional()
  @IsIn(['pending', 'cleared', 'declined'], { message: 'riskStatus must be one of: pending, cleared, declined' })
  riskStatus?: string;
}

export class MovementQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() fundId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() kind?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() loanId?: string;
}

export class SubsidyQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() bankCode?: string;
  @ApiPropertyOptional({ example: '2011-Q1' }) @IsOptional() @IsString() quarter?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() countyCode?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() loanId?: string;
}

export class JournalQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'A fund id, or SUBSIDY' }) @IsOptional() @IsString() book?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() account?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() loanId?: string;
}

export class TrialBalanceQuery {
  @ApiProperty({ description: 'A fund id, or SUBSIDY' }) @IsString() book!: string;
  @ApiProperty({ example: '2011-06' }) @Matches(/^\d{4}-\d{2}$/, { message: 'month must look like 2011-06' }) month!: string;
}

export class BulletinQuery {
  @ApiProperty({ example: '2011-06' }) @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must look like 2011-06' }) month!: string;
  @ApiPropertyOptional({
    example: '360700',
    description: 'A region: it and the regions directly under it; the whole province when left out',
  })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'region must be a six-digit region code' })
  region?: string;
  @KnownAt('The bulletin as the system knew it at this moment') knownAt?: string;
}

export class RebuildDto {
  @ApiProperty({ required: false, description: 'One projection, or every one when left out' })
  @IsOptional()
  @IsString()
  projection?: string;
}

export class BulletinExportQuery extends BulletinQuery {
  @ApiPropertyOptional({ enum: FORMATS }) @IsOptional() @IsIn(FORMATS, TABLE_FORMAT_MESSAGE) format?: (typeof FORMATS)[number];
}

/** Every filter any ledger listing takes, and the format. */
export class LedgerExportQuery extends BusinessQuery {
  @ApiPropertyOptional({ enum: FORMATS }) @IsOptional() @IsIn(FORMATS, TABLE_FORMAT_MESSAGE) format?: (typeof FORMATS)[number];
  @ApiPropertyOptional() @IsOptional() @IsString() fundId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() loanId?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() quarter?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() book?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() account?: string;
}

export class LateStepsQuery {
  @ApiProperty({ example: '2011-01-01', description: 'Steps begun on or after this day' }) @CalendarDate() from!: string;
  @ApiProperty({ example: '2011-06-30', description: 'Steps begun on or before this day' }) @CalendarDate() to!: string;
}
