import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

export const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const dateMessage = { message: '$property must be a date written YYYY-MM-DD' };
export const fenMessage = { message: '$property must be a whole number of fen (1 yuan = 100 fen)' };

/** Every command may say the business date it happened on; it defaults to today. */
export class WithBusinessDate {
  @ApiPropertyOptional({ example: '2011-03-20', description: 'The day it happened (YYYY-MM-DD); defaults to today.' })
  @IsOptional()
  @Matches(DATE, dateMessage)
  businessDate?: string;
}
