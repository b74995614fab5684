import { Controller, Get, Inject, Query, Res, ServiceUnavailableException } from '@nestjs/common';
import { Answers, AnswersFile, arr } from '../http/schema';
import { ASSESSMENT, UNIT_ASSESSMENT } from './assessment.responses';
import type { FastifyReply } from 'fastify';
import { ApiBearerAuth, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { BusinessDate, ReferenceData, policyInForce, stepLimits } from '@app/domain';
import { CommandHandler, PersonalData } from '@app/event-store';
import { Assessment, ReadStore, UnitKind, assess, assessmentColumns, assessmentRows, named } from '@app/projections';
import { Permit } from '../auth/access.guard';
import { ReadsAfter } from '../http/read-your-writes';
import { API_CONFIG, READ_STORE } from '../tokens';
import { ApiConfig, today } from '../config';
import { AssessmentExportQuery, AssessmentQuery, parseWeights } from './assessment.dto';
import { FILE_TYPES, sendTable } from './send-table';

const RANKINGS: Record<UnitKind, string> = {
  centre: '担保中心',
  branch: '经办网点',
  centre_staff: '担保中心经办人',
  bank_staff: '银行经办人',
};

/** 绩效考核: centres, bank branches and their staff, scored and ranked over a week, month or year. */
@ApiTags('assessment')
@ApiBearerAuth()
@ApiSecurity('service-key')
@Permit('assessment.read')
@Controller()
export class AssessmentController {
  constructor(
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    private readonly reference: ReferenceData,
    private readonly personalData: PersonalData,
    private readonly handler: CommandHandler,
  ) {}

  @Get('assessment')
  @ReadsAfter()
  @ApiOperation({
    summary:
      '绩效考核: per centre, bank branch, centre officer and bank clerk over a week, month or year: steps handled and their days, the share within the time limits, lending against target, overdue and recovery rates at the end, a weighted score and a rank',
  })
  @Answers(ASSESSMENT)
  async assessment(@Query() q: AssessmentQuery) {
    const result = await this.assess(q);
    const units = Object.fromEntries(Object.entries(result.units).map(([kind, rows]) => [kind, this.named(kind as UnitKind, rows)]));
    return { ...result, limits: this.limits(result.to), units };
  }

  @Get('exports/assessment')
  @ReadsAfter()
  @ApiOperation({ summary: 'One ranking of the assessment (绩效考核表) as CSV, XLSX, Markdown or JSON' })
  @AnswersFile(FILE_TYPES, arr(UNIT_ASSESSMENT))
  async exportAssessment(@Query() q: AssessmentExportQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    const result = await this.assess(q);
    const columns = assessmentColumns(q.unit);
    const rows = named(columns, assessmentRows(result.units[q.unit]), this.reference);
    const file = {
      format: q.format ?? 'csv',
      name: `assessment-${q.unit}-${result.from}-${result.to}`,
      title: `${RANKINGS[q.unit]}绩效考核表`,
      subtitle: `${result.from} 至 ${result.to}`,
    };
    return sendTable(reply, this.personalData, file, columns, rows, this.named(q.unit, result.units[q.unit]));
  }

  /** Each unit with its name: a centre's or a branch's from the reference data; staff are named by their id. */
  private named<T extends { unitId: string }>(kind: UnitKind, rows: T[]) {
    const name = { centre: (id: string) => this.reference.centre(id)?.name, branch: (id: string) => this.reference.branch(id)?.name }[
      kind as 'centre' | 'branch'
    ];
    return rows.map((u) => ({ ...u, unitName: name?.(u.unitId) ?? u.unitId }));
  }

  private limits = (day: BusinessDate) => stepLimits(policyInForce(this.handler.rules.policies, day));

  private assess(q: AssessmentQuery): Promise<Assessment> {
    const date = q.date as BusinessDate;
    const query = { period: q.period, date, weights: parseWeights(q.weights), today: today(this.config.timeZone) as BusinessDate };
    return assess(this.readStore, query, this.limits(date), this.reference.set.centres).catch((error: Error) => {
      if (!/no such table|does not exist/.test(error.message)) throw error;
      throw new ServiceUnavailableException({
        code: 'LEDGER.BUILDING',
        message: 'The assessment is being built for the first time; try again shortly.',
      });
    });
  }
}
