import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, ValidateBy } from 'class-validator';
import { ASSESSMENT_PERIODS, AssessmentPeriod, DEFAULT_WEIGHTS, INDICATORS, UNIT_KINDS, UnitKind, Weights } from '@app/projections';
import { CalendarDate } from '../http/dto-common';
import { TABLE_FORMATS, TABLE_FORMAT_MESSAGE, TableFormat } from './send-table';

const WEIGHTS = /^([a-z]+:\d{1,3})(,[a-z]+:\d{1,3})*$/;

/** Weights written `timeliness:40,completion:30,performing:15,recovery:15`; an indicator left out weighs nothing. */
export function parseWeights(text: string | undefined): Weights {
  if (text === undefined) return DEFAULT_WEIGHTS;
  const given = Object.fromEntries(text.split(',').map((pair) => pair.split(':')));
  return Object.fromEntries(INDICATORS.map((i) => [i, Number(given[i] ?? 0)])) as Weights;
}

const isWeights = (v: unknown) => {
  if (typeof v !== 'string' || !WEIGHTS.test(v)) return false;
  const names = v.split(',').map((pair) => pair.split(':')[0]);
  const weights = parseWeights(v);
  return (
    names.every((n) => (INDICATORS as readonly string[]).includes(n)) &&
    new Set(names).size === names.length &&
    INDICATORS.some((i) => weights[i] > 0)
  );
};

export class AssessmentQuery {
  @ApiProperty({ enum: ASSESSMENT_PERIODS, description: 'A week (Monday to Sunday), a calendar month or a calendar year' })
  @IsIn(ASSESSMENT_PERIODS, { message: 'period must be week, month or year' })
  period!: AssessmentPeriod;

  @ApiProperty({ example: '2011-06-30', description: 'Any day of the period' })
  @CalendarDate()
  date!: string;

  @ApiPropertyOptional({
    example: 'timeliness:40,completion:30,performing:15,recovery:15',
    description: `Each indicator's weight in the score, whole numbers from 0 to 999; one left out weighs nothing. Indicators: ${INDICATORS.join(', ')}`,
  })
  @IsOptional()
  @ValidateBy({
    name: 'isWeights',
    validator: {
      validate: isWeights,
      defaultMessage: () =>
        `weights must be written like timeliness:40,completion:30,performing:15,recovery:15: each of ${INDICATORS.join(', ')} at most once, whole numbers, at least one above 0`,
    },
  })
  weights?: string;
}

export class AssessmentExportQuery extends AssessmentQuery {
  @ApiProperty({ enum: UNIT_KINDS, description: 'Which ranking: centres, bank branches, centre officers or bank clerks' })
  @IsIn(UNIT_KINDS, { message: `unit must be one of ${UNIT_KINDS.join(', ')}` })
  unit!: UnitKind;

  @ApiPropertyOptional({ enum: TABLE_FORMATS })
  @IsOptional()
  @IsIn(TABLE_FORMATS, TABLE_FORMAT_MESSAGE)
  format?: TableFormat;
}
