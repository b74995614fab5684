import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { DATE, dateMessage } from '../http/dto-common';

/** Query strings of the ledger, bulletin and export endpoints. */
export class PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() sort?: string;
  @ApiPropertyOptional({ enum: ['asc', 'desc'] }) @IsOptional() @IsIn(['asc', 'desc']) order?: 'asc' | 'desc';
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) page?: number;
  @ApiPropertyOptional({ maximum: 1000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) pageSize?: number;
  @ApiPropertyOptional() @IsOptional() @Matches(DATE, dateMessage) from?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(DATE, dateMessage) to?: string;
  @ApiPropertyOptional({ description: 'The ledger as it stood at the end of this business date' })
  @IsOptional()
  @Matches(DATE, dateMessage)
  asOf?: string;
  @ApiPropertyOptional({ description: 'The ledger as the system knew it at this time (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  knownAt?: string;
}

export class BusinessQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() county_code?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() city_code?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() centre_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() bank_code?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() branch_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() status?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() kind?: string;
  @ApiPropertyOptional({ description: 'Borrower category tag' }) @IsOptional() @IsString() category?: string;
}

export class MovementQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() fund_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() kind?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() loan_id?: string;
}

export class SubsidyQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() bank_code?: string;
  @ApiPropertyOptional({ example: '2011-Q1' }) @IsOptional() @IsString() quarter?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() county_code?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() loan_id?: string;
}

export class JournalQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'A fund id, or SUBSIDY' }) @IsOptional() @IsString() book?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() account?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() loan_id?: string;
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
  @ApiPropertyOptional({ description: 'The bulletin as the system knew it at this time (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  knownAt?: string;
}

export class RebuildDto {
  @ApiProperty({ required: false, description: 'One projection, or every one when left out' })
  @IsOptional()
  @IsString()
  projection?: string;
}

const FORMATS = ['csv', 'xlsx', 'md', 'json'] as const;
const formatMessage = { message: 'format must be csv, xlsx, md or json' };

export class BulletinExportQuery extends BulletinQuery {
  @ApiPropertyOptional({ enum: FORMATS }) @IsOptional() @IsIn(FORMATS, formatMessage) format?: (typeof FORMATS)[number];
}

/** Every filter any ledger listing takes, and the format. */
export class LedgerExportQuery extends BusinessQuery {
  @ApiPropertyOptional({ enum: FORMATS }) @IsOptional() @IsIn(FORMATS, formatMessage) format?: (typeof FORMATS)[number];
  @ApiPropertyOptional() @IsOptional() @IsString() fund_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() loan_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() quarter?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() book?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() account?: string;
}
