import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, Matches, Max, Min, ValidateBy, ValidateIf, buildMessage } from 'class-validator';
import { MAX_AMOUNT_FEN, MAX_COUNT, MAX_RATE_BP, isBusinessDate, isQuarter } from '@app/domain';

export const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const dateMessage = { message: '$property must be a date written YYYY-MM-DD' };
export const fenMessage = { message: '$property must be a whole number of fen (1 yuan = 100 fen)' };

/** An amount in fen: a whole number from `min` to MAX_AMOUNT_FEN (100 billion yuan). */
export const AmountFen = (min: 0 | 1) =>
  applyDecorators(
    ApiProperty({ type: 'integer', minimum: min, maximum: MAX_AMOUNT_FEN }),
    IsInt(fenMessage),
    Min(min),
    Max(MAX_AMOUNT_FEN, { message: `$property must be at most ${MAX_AMOUNT_FEN} fen (100 billion yuan)` }),
  );

/** A count (loans, jobs, persons): a whole number from `min` to `max`. */
export const Count = (min: number, max = MAX_COUNT) =>
  applyDecorators(ApiProperty({ type: 'integer', minimum: min, maximum: max }), IsInt(), Min(min), Max(max));

/** A rate in basis points, from `min` to `max` (at most 100 %). */
export const RateBp = (min: number, max = MAX_RATE_BP) =>
  applyDecorators(ApiProperty({ type: 'integer', minimum: min, maximum: max }), IsInt(), Min(min), Max(max));

/** A calendar date written YYYY-MM-DD (2011-02-30 is refused). */
export const CalendarDate = () =>
  ValidateBy({
    name: 'calendarDate',
    validator: {
      validate: (v) => isBusinessDate(v),
      defaultMessage: buildMessage((each) => `${each}$property must be a date written YYYY-MM-DD`),
    },
  });

/** A quarter written 2011-Q1. */
export const CalendarQuarter = () =>
  ValidateBy({
    name: 'calendarQuarter',
    validator: {
      validate: (v) => isQuarter(v),
      defaultMessage: buildMessage((each) => `${each}$property must be a quarter written like 2011-Q1`),
    },
  });

// Control characters (NUL among them) and unpaired surrogates: PostgreSQL refuses some, screens garble the rest.
const FORBIDDEN = /[\p{Cc}]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;
// What shows nothing on a page: spaces, zero-width and other format characters.
const INVISIBLE = /[\s\p{Cf}\p{Zs}]/gu;

/**
 * A line of text as it enters: normalised to NFC and trimmed, then checked for control characters,
 * for something visible in it, and for its length in characters (not UTF-16 units).
 */
export const Text = (min: number, max: number) =>
  applyDecorators(
    ApiProperty({ type: 'string', minLength: min, maxLength: max }),
    Transform(({ value }) => (typeof value === 'string' ? value.normalize('NFC').trim() : value)),
    ValidateBy({
      name: 'text',
      validator: {
        validate: (v) => typeof v === 'string' && textProblem(v, min, max) === undefined,
        defaultMessage: (args) =>
          `${args?.property} ${typeof args?.value === 'string' ? textProblem(args.value, min, max) : 'must be text'}`,
      },
    }),
  );

// The form sealed personal data takes (docs/privacy.md): answers reveal it, so no one may send it in.
const SEALED_FORM = /pii1\.[\w-]+\.\d+\./;

function textProblem(value: string, min: number, max: number): string | undefined {
  if (FORBIDDEN.test(value)) return 'must not contain control characters';
  if (SEALED_FORM.test(value)) return 'must not contain text in the form of sealed personal data (pii1.…)';
  const length = [...value].length;
  if (min > 0 && value.replace(INVISIBLE, '').length === 0) return 'must not be empty';
  if (length < min || length > max) return `must be ${min} to ${max} characters long`;
  return undefined;
}

/** Every command may say the business date it happened on; when it is left out it is today. */
export class WithBusinessDate {
  @ApiPropertyOptional({ example: '2011-03-20', description: 'The day it happened (YYYY-MM-DD); today when left out. null is refused.' })
  @ValidateIf((o: WithBusinessDate) => o.businessDate !== undefined)
  @Matches(DATE, dateMessage)
  businessDate?: string;
}
