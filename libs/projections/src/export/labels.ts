import { EVENT_TYPES, ReferenceData } from '@app/domain';
import { Row } from '../projection';
import { ACCOUNTS } from '../ledgers/financial-ledger';
import { Column, Naming } from './columns';

/** The staff's words for the system's codes, by what the codes name (also given to the dashboard's page). */
export const WORDS: Partial<Record<Naming, Record<string, string>>> = {
  category: {
    returning_migrant_worker: '返乡农民工',
    college_graduate: '高校毕业生',
    woman: '妇女',
    laid_off_unemployed: '城镇失业人员',
    disabled: '残疾人',
    demobilised_soldier: '复员转业退役军人',
    other: '其他',
  },
  kind: { individual: '个人', partnership: '合伙经营', enterprise: '劳动密集型小企业', second_support: '二次扶持' },
  status: {
    applied: '已受理',
    rejected: '未通过',
    guaranteed: '已担保',
    disbursed: '已发放',
    overdue: '逾期',
    extended: '已展期',
    settled: '已结清',
    compensated: '已代偿',
    recovered: '已追回',
    written_off: '已核销',
  },
  riskStatus: {
    pending: '待复核',
    cleared: '复核通过',
    declined: '复核否决',
  },
  riskReason: {
    shared_contact: '联系方式与他人相同',
    loan_in_other_name: '疑似冒名贷款',
    guarantor_over_limit: '担保人超限',
    refused_elsewhere: '曾在他处被拒',
  },
  counterGuarantee: {
    third_party_guarantor: '第三方保证',
    mortgage_or_pledge: '抵押质押',
    joint_households: '联户联保',
    credit_community: '信用社区推荐',
  },
  fundSource: {
    province_finance: '省级财政',
    city_finance: '市级财政',
    county_finance: '县级财政',
    central_reward: '中央奖补资金',
    deposit_interest: '存款利息',
    guarantee_fee: '担保费收入',
  },
  movement: { contribution: '筹集', compensation: '代偿', compensation_reversed: '代偿冲回', recovery: '追偿收回', write_off: '核销' },
  event: {
    LoanApplied: '受理申请',
    LoanApplicationRejected: '申请未通过',
    SecondSupportGranted: '二次扶持认定',
    GuaranteeIssued: '出具担保',
    Disbursed: '发放贷款',
    Repaid: '归还贷款',
    Overdue: '逾期',
    LoanExtended: '贷款展期',
    LoanSettled: '贷款结清',
    CompensationPaid: '代偿',
    RecoveryCollected: '追偿收回',
    LoanWrittenOff: '代偿核销',
    BorrowerLoanOpened: '借款人贷款登记',
    BorrowerLoanClosed: '借款人贷款注销',
    GuaranteeFundContributed: '基金筹集',
    FundExposureReserved: '担保责任登记',
    FundExposureReleased: '担保责任解除',
    FundCompensationCharged: '基金代偿支出',
    FundRecoveryCredited: '追偿款入基金',
    FundCompensationReversed: '代偿冲回',
    InterestSubsidyClaimed: '申请贴息',
    InterestSubsidyPaid: '拨付贴息',
    AnnualTargetSet: '下达年度目标',
    HistoryDigestSigned: '月度摘要签署',
    BulletinPublished: '通报发布',
    BorrowerDataErased: '个人信息删除',
    StepPastDeadline: '办理超时',
    RiskFlagged: '风险提示',
    RiskReviewed: '风险复核',
  } satisfies Record<(typeof EVENT_TYPES)[number], string>,
};

/**
 * Rows with their codes named in words, for the files staff read (CSV, XLSX, Markdown); JSON keeps the codes
 * for programs. Each column says what its codes name; a code this system does not know is shown as it is.
 */
export function named(columns: Column[], rows: Row[], reference: ReferenceData): Row[] {
  const shown = columns.filter((c) => c.names !== undefined).map((c) => [c.key, c.names!] as const);
  const word = (n: Naming, code: string): string => {
    switch (n) {
      case 'region':
        return reference.region(code)?.name ?? code;
      case 'centre':
        return reference.centre(code)?.name ?? code;
      case 'bank':
        return reference.bank(code)?.name ?? code;
      case 'branch':
        return reference.branch(code)?.name ?? code;
      case 'book':
        return code === 'SUBSIDY' ? '贴息资金' : (reference.centre(code)?.name ?? code);
      case 'quarter':
        return code.replace(/^(\d{4})-Q([1-4])$/, '$1年第$2季度');
      case 'account': {
        const [head, sub] = code.split('.');
        const name = ACCOUNTS[head]?.split(' ')[0] ?? head;
        return `${head} ${name}${sub ? `-${WORDS.fundSource![sub] ?? sub}` : ''}`;
      }
      default:
        return WORDS[n]?.[code] ?? code;
    }
  };
  return rows.map((row) => {
    const out = { ...row };
    for (const [key, n] of shown) {
      const v = row[key];
      if (typeof v === 'string') out[key] = word(n, v);
      else if (Array.isArray(v)) out[key] = v.map((x) => word(n, String(x))).join('、');
    }
    return out;
  });
}
