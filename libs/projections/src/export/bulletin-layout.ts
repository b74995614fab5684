import { Row } from '../projection';
import { BulletinRow } from '../bulletin/build-bulletin';
import { Column } from './columns';

/** Nothing adds down the bulletin: its rows are the province, its cities and their counties, each its own total. */
const c = (key: string, label: string, format: Column['format'] = 'money'): Column => ({ key, label, format, sum: false });

/** The bulletin as the province prints it: one line per region, ranked within its parent. */
export const BULLETIN_COLUMNS: Column[] = [
  c('region', '地区', 'text'),
  c('month_loans', '本月发放笔数', 'count'),
  c('month_amount', '本月发放金额(元)'),
  c('ytd_loans', '本年累计笔数', 'count'),
  c('ytd_amount', '本年累计金额(元)'),
  c('cum_loans', '累计笔数', 'count'),
  c('cum_amount', '累计金额(元)'),
  c('cum_persons', '累计扶持人数', 'count'),
  c('cum_jobs', '累计带动就业', 'count'),
  c('target_amount', '年度目标(元)'),
  c('completion', '目标完成率', 'bp'),
  c('time_pace', '时间进度', 'bp'),
  c('rank', '排名', 'count'),
  c('rank_change', '排名变化', 'count'),
  c('cum_principal_repaid', '累计回收本金(元)'),
  c('outstanding', '贷款余额(元)'),
  c('overdue', '逾期本金(元)'),
  c('overdue_rate', '逾期率', 'bp'),
  c('matured_recovery', '到期贷款回收率', 'bp'),
  c('compensation_ytd', '本年代偿(元)'),
  c('recovered_ytd', '本年追偿(元)'),
  c('fund_capital', '累计筹集担保基金(元)'),
  c('fund_balance', '担保基金余额(元)'),
  c('leverage', '放大倍数(%)', 'bp'),
  c('subsidy_central_ytd', '本年中央贴息(元)'),
  c('subsidy_local_ytd', '本年地方贴息(元)'),
];

export function bulletinTable(rows: BulletinRow[]): Row[] {
  return rows.map((r) => ({
    region: `${r.regionName} (${r.regionCode})`,
    month_loans: r.disbursed.month.loans,
    month_amount: r.disbursed.month.amount,
    ytd_loans: r.disbursed.yearToDate.loans,
    ytd_amount: r.disbursed.yearToDate.amount,
    cum_loans: r.disbursed.cumulative.loans,
    cum_amount: r.disbursed.cumulative.amount,
    cum_persons: r.disbursed.cumulative.persons,
    cum_jobs: r.disbursed.cumulative.jobs,
    target_amount: r.target?.amount ?? null,
    completion: r.target?.completionAmountBp ?? null,
    time_pace: r.target?.timePaceBp ?? null,
    rank: r.target?.rank ?? null,
    rank_change: r.target?.rankChange ?? null,
    cum_principal_repaid: r.principalRepaid.cumulative,
    outstanding: r.outstanding,
    overdue: r.overduePrincipal,
    overdue_rate: r.overdueRateBp,
    matured_recovery: r.matured.recoveryRateBp,
    compensation_ytd: r.compensation.paid.yearToDate,
    recovered_ytd: r.compensation.recovered.yearToDate,
    fund_capital: r.fund.capital.cumulative,
    fund_balance: r.fund.balance,
    leverage: r.fund.leverageBp,
    subsidy_central_ytd: r.subsidy.central.yearToDate,
    subsidy_local_ytd: r.subsidy.local.yearToDate,
  }));
}
