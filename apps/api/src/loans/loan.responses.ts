import { arr, bool, command, date, fen, int, nullable, obj, oneOf, str } from '../http/schema';

/** The answers of the loan endpoints (see http/schema.ts). */
export const APPLIED = command({ loanId: str, borrowerId: str });
export const LOAN_COMMAND = command({ loanId: str, status: str });

const APPLICATION = obj(
  {
    loanId: str,
    borrowerId: str,
    maskedIdNumber: str,
    categories: arr(str),
    kind: str,
    project: obj({ name: str, industry: str }),
    microProfit: bool,
    amountFen: fen('The amount asked for'),
    termMonths: int,
    countyCode: str,
    cityCode: str,
    centreId: str,
    branchId: str,
    bankCode: str,
    counterGuarantee: obj({ mode: str, households: int, creditCommunityId: str }, ['households', 'creditCommunityId']),
    personsSupported: int,
    jobsPlanned: int,
    previousLoanId: str,
    contact: obj({ phone: str, address: str, bankAccount: str }, ['phone', 'address', 'bankAccount']),
    businessLicence: str,
    guarantorId: str,
    riskKeys: { type: 'object', description: 'Keyed hashes that risk control matches on' },
    appliedOn: date,
  },
  ['previousLoanId', 'contact', 'businessLicence', 'guarantorId', 'riskKeys'],
);

export const LOAN = obj(
  {
    loanId: str,
    status: str,
    application: APPLICATION,
    guarantee: obj({ fundId: str, amountFen: fen(), issuedOn: date }),
    disbursement: obj({
      amountFen: fen(),
      disbursedOn: date,
      originalMaturity: date,
      subsidy: obj({ scheme: oneOf('central_full', 'enterprise_shared', 'none'), centralShareBp: int, principalCapFen: fen() }, [
        'principalCapFen',
      ]),
    }),
    outstandingPrincipalFen: fen(),
    maturityDate: date,
    extended: bool,
    everOverdue: bool,
    markedOverdue: obj({ principalFen: fen(), interestFen: fen() }),
    compensationFen: fen(),
    recoveredFen: fen(),
    revision: str,
  },
  ['application', 'guarantee', 'disbursement', 'outstandingPrincipalFen', 'maturityDate', 'revision'],
);

export const PAYOFF_QUOTE = obj({
  loanId: str,
  quotedFor: date,
  principalFen: fen(),
  interestFen: fen('Interest to the day'),
  totalFen: fen('What settles the loan that day'),
  overdue: obj({ principalFen: fen(), interestFen: fen(), since: nullable(date) }),
  subsidy: obj({ subsidisableInterestFen: fen(), centralFen: fen(), localFen: fen() }),
});

export const REPAYMENT_SCHEDULE = obj({
  loanId: str,
  asOf: date,
  lines: arr(
    obj({
      dueDate: date,
      principalFen: fen(),
      interestFen: fen(),
      paidPrincipalFen: fen(),
      paidInterestFen: fen(),
      state: oneOf('paid', 'overdue', 'due', 'projected'),
    }),
  ),
});
