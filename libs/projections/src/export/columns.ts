import { BUSINESS_LEDGER } from '../ledgers/business-ledger';
import { FUNDS, FUND_MOVEMENTS } from '../ledgers/fund-ledger';
import { SUBSIDY_BANK_QUARTERS, SUBSIDY_LOAN_QUARTERS } from '../ledgers/subsidy-ledger';
import { JOURNAL } from '../ledgers/financial-ledger';

/** How a column is shown: money in fen becomes yuan with two decimals, basis points become percentages. */
export type Format = 'text' | 'count' | 'money' | 'bp';
export interface Column {
  key: string;
  label: string;
  format: Format;
  /** Whether the column adds up down the rows, into the 合计 row: flows and amounts per record do; a running balance does not. */
  sum?: boolean;
  /** What the column's codes name, shown in words in the files staff read (see `named`). */
  names?: Naming;
}

/** What a column's codes name, so that a 台账 shows the words the staff use instead of the system's codes. */
export type Naming =
  | 'category'
  | 'kind'
  | 'status'
  | 'counterGuarantee'
  | 'riskStatus'
  | 'riskReason'
  | 'fundSource'
  | 'movement'
  | 'event'
  | 'account'
  | 'region'
  | 'centre'
  | 'bank'
  | 'branch'
  | 'book'
  | 'quarter';

/** A column; money adds up unless told otherwise, counts only when told. */
const c = (key: string, label: string, format: Format = 'text', sum = format === 'money'): Column => ({ key, label, format, sum });
/** A text column of codes, shown in words. */
const coded = (key: string, label: string, names: Naming): Column => ({ ...c(key, label), names });

/** The columns of each ledger as laid out on the paper 台账, with their Chinese headers. */
export const LEDGER_LAYOUTS: Record<string, { title: string; table: string; columns: Column[] }> = {
  business: {
    title: '担保业务管理台账',
    table: BUSINESS_LEDGER,
    columns: [
      c('loan_id', '贷款编号'),
      c('masked_id_number', '身份证号'),
      coded('categories', '人员类别', 'category'),
      coded('kind', '贷款类型', 'kind'),
      c('project_name', '项目名称'),
      c('industry', '行业'),
      coded('county_code', '县(区)', 'region'),
      coded('centre_id', '担保中心', 'centre'),
      coded('bank_code', '经办银行', 'bank'),
      coded('branch_id', '经办网点', 'branch'),
      coded('counter_guarantee', '反担保方式', 'counterGuarantee'),
      c('amount_applied', '申请金额(元)', 'money'),
      c('applied_on', '申请日期'),
      c('guaranteed_amount', '担保金额(元)', 'money'),
      c('guaranteed_on', '担保日期'),
      c('disbursed_amount', '发放金额(元)', 'money'),
      c('disbursed_on', '发放日期'),
      c('maturity_date', '到期日期'),
      c('days_to_decide', '受理至担保决定(天)', 'count', false),
      c('days_to_disburse', '担保至发放(天)', 'count', false),
      c('decision_late_on', '担保决定超时'),
      c('disbursement_late_on', '发放超时'),
      c('contract_rate_bp', '合同利率', 'bp'),
      c('principal_repaid', '已还本金(元)', 'money'),
      c('interest_paid', '已付利息(元)', 'money'),
      c('outstanding_principal', '贷款余额(元)', 'money'),
      c('overdue_principal', '逾期本金(元)', 'money'),
      c('overdue_interest', '逾期利息(元)', 'money'),
      c('overdue_since', '逾期起始日'),
      coded('status', '状态', 'status'),
      coded('risk_status', '风险复核', 'riskStatus'),
      coded('risk_reasons', '风险提示', 'riskReason'),
      c('persons_supported', '扶持人数', 'count', true),
      c('jobs_planned', '带动就业', 'count', true),
      c('compensation', '代偿金额(元)', 'money'),
      c('recovered', '追偿金额(元)', 'money'),
      c('written_off', '核销金额(元)', 'money'),
      c('subsidy_central', '中央贴息(元)', 'money'),
      c('subsidy_local', '地方贴息(元)', 'money'),
    ],
  },
  funds: {
    title: '担保基金管理台账(汇总)',
    table: FUNDS,
    columns: [
      coded('fund_id', '担保基金', 'centre'),
      c('contributed', '累计筹集(元)', 'money'),
      c('compensation_paid', '累计代偿(元)', 'money'),
      c('recovered', '累计追偿(元)', 'money'),
      c('written_off', '累计核销(元)', 'money'),
      c('balance', '基金余额(元)', 'money'),
      c('exposure', '在保余额(元)', 'money'),
      c('guarantees_open', '在保笔数', 'count', true),
      c('leverage_bp', '放大倍数(%)', 'bp'),
    ],
  },
  'fund-movements': {
    title: '担保基金管理台账(明细)',
    table: FUND_MOVEMENTS,
    columns: [
      coded('fund_id', '担保基金', 'centre'),
      c('seq', '序号', 'count'),
      c('business_date', '日期'),
      coded('kind', '摘要', 'movement'),
      coded('source', '资金来源', 'fundSource'),
      c('loan_id', '贷款编号'),
      c('cash_in', '收入(元)', 'money'),
      c('cash_out', '支出(元)', 'money'),
      c('written_off', '核销(元)', 'money'),
      c('balance_after', '余额(元)', 'money', false),
    ],
  },
  'subsidy-loans': {
    title: '贴息资金管理台账(分笔)',
    table: SUBSIDY_LOAN_QUARTERS,
    columns: [
      c('loan_id', '贷款编号'),
      coded('quarter', '季度', 'quarter'),
      coded('bank_code', '经办银行', 'bank'),
      coded('county_code', '县(区)', 'region'),
      c('interest_paid', '已付利息(元)', 'money'),
      c('subsidisable_interest', '可贴息利息(元)', 'money'),
      c('central_due', '中央应贴(元)', 'money'),
      c('local_due', '地方应贴(元)', 'money'),
      c('central_claimed', '中央已申请(元)', 'money'),
      c('local_claimed', '地方已申请(元)', 'money'),
    ],
  },
  'subsidy-banks': {
    title: '贴息资金管理台账(分行)',
    table: SUBSIDY_BANK_QUARTERS,
    columns: [
      coded('bank_code', '经办银行', 'bank'),
      coded('quarter', '季度', 'quarter'),
      c('interest_paid', '已付利息(元)', 'money'),
      c('central_due', '中央应贴(元)', 'money'),
      c('local_due', '地方应贴(元)', 'money'),
      c('central_claimed', '中央已申请(元)', 'money'),
      c('local_claimed', '地方已申请(元)', 'money'),
      c('central_paid', '中央已拨付(元)', 'money'),
      c('local_paid', '地方已拨付(元)', 'money'),
      c('claims', '申请次数', 'count', true),
    ],
  },
  journal: {
    title: '基本财务管理台账(日记账)',
    table: JOURNAL,
    columns: [
      coded('book', '账簿', 'book'),
      c('business_date', '日期'),
      c('voucher', '凭证号', 'count'),
      c('line', '行', 'count'),
      coded('account', '科目', 'account'),
      coded('memo', '摘要', 'event'),
      c('loan_id', '贷款编号'),
      c('debit', '借方(元)', 'money'),
      c('credit', '贷方(元)', 'money'),
      c('event_id', '事件编号'),
    ],
  },
};

/** 123456 fen → "1234.56", exactly. */
export function yuanText(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** 9959 bp → "99.59%". */
export const percentText = (bp: number) => `${(bp / 100).toFixed(2)}%`;

export function cellText(column: Column, value: unknown): string {
  if (value === null || value === undefined) return '';
  if (column.format === 'money') return yuanText(value as number);
  if (column.format === 'bp') return percentText(value as number);
  if (Array.isArray(value)) return value.join('、');
  return String(value);
}

/** The performance assessment's columns (绩效考核表), the first naming the kind of unit assessed. */
export function assessmentColumns(kind: 'centre' | 'branch' | 'centre_staff' | 'bank_staff'): Column[] {
  const unit = {
    centre: coded('unit_id', '担保中心', 'centre'),
    branch: coded('unit_id', '经办网点', 'branch'),
    centre_staff: c('unit_id', '担保中心经办人'),
    bank_staff: c('unit_id', '银行经办人'),
  }[kind];
  return [
    c('rank', '排名', 'count'),
    unit,
    c('score', '综合得分'),
    ...(kind === 'centre' ? [c('applications', '受理笔数', 'count', true)] : []),
    c('decisions', '担保决定笔数', 'count', true),
    c('decisions_within_limit', '限时内决定', 'count', true),
    c('average_days_to_decide', '平均决定天数'),
    c('disbursements', '发放笔数', 'count', true),
    c('lent', '发放金额(元)', 'money'),
    c('disbursements_within_limit', '限时内发放', 'count', true),
    c('average_days_to_disburse', '平均发放天数'),
    ...(kind === 'centre' ? [c('target', '期间目标(元)', 'money'), c('completion_bp', '目标完成率', 'bp')] : []),
    c('outstanding', '期末贷款余额(元)', 'money'),
    c('overdue_principal', '期末逾期本金(元)', 'money'),
    c('overdue_rate_bp', '逾期率', 'bp'),
    c('recovery_rate_bp', '到期贷款回收率', 'bp'),
    c('timeliness_bp', '限时办结率', 'bp'),
  ];
}
