/** Money is integer fen (分), branded so a yuan figure or a float cannot slip in unnoticed. */
export type Fen = number & { readonly __brand: 'Fen' };

/** Rates are integer basis points: 531 bp = 5.31 %. */
export type BasisPoints = number & { readonly __brand: 'BasisPoints' };

export const ZERO = 0 as Fen;

/**
 * The largest single amount the programme records, and the largest balance a fund may hold: 100 billion
 * yuan, five times what the whole Jiangxi programme lent in nine years. The bound keeps every sum the
 * ledgers take (a province's 129 funds together) far inside the integers a JSON number holds exactly.
 */
export const MAX_AMOUNT_FEN = 10_000_000_000_000;
/** The largest count the programme records (loans in a target, jobs, persons). */
export const MAX_COUNT = 10_000_000;
/** Rates in basis points never exceed 100 %. */
export const MAX_RATE_BP = 10_000;

/** An amount as it enters the system: a whole number of fen within MAX_AMOUNT_FEN. */
export const isRecordableAmount = (value: unknown): value is Fen =>
  typeof value === 'number' && Number.isSafeInteger(value) && Math.abs(value) <= MAX_AMOUNT_FEN;

export function fen(value: number): Fen {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not a whole number of fen: ${value}`);
  return value as Fen;
}

export const yuan = (value: number): Fen => fen(value * 100);
export const bp = (value: number): BasisPoints => {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not a whole number of basis points: ${value}`);
  return value as BasisPoints;
};

export const add = (...amounts: Fen[]): Fen => fen(amounts.reduce((s, a) => s + a, 0));
export const sub = (a: Fen, b: Fen): Fen => fen(a - b);
export const min = (a: Fen, b: Fen): Fen => (a < b ? a : b);
export const max = (a: Fen, b: Fen): Fen => (a > b ? a : b);

/** numerator / denominator rounded half-up (away from zero for halves), exact for any size. */
export function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  const q = (2n * n + d) / (2n * d);
  return negative ? -q : q;
}

/** amount × share, half-up to the fen. */
export function applyRate(amount: Fen, rate: BasisPoints): Fen {
  return fen(Number(divideHalfUp(BigInt(amount) * BigInt(rate), 10_000n)));
}

/**
 * Interest under the Chinese convention: daily rate = annual rate / 360, rounded half-up to the fen.
 * `fenDays` is Σ principal × days over the period, so a period with repayments inside it rounds once.
 */
export function interestOn(fenDays: number, annualRate: BasisPoints): Fen {
  return fen(Number(divideHalfUp(BigInt(fenDays) * BigInt(annualRate), 10_000n * 360n)));
}

/** 123456 fen → "1,234.56" for messages a clerk reads. */
export function formatYuan(amount: Fen): string {
  const sign = amount < 0 ? '-' : '';
  const abs = Math.abs(amount);
  const whole = Math.floor(abs / 100).toLocaleString('en-US');
  return `${sign}${whole}.${String(abs % 100).padStart(2, '0')} yuan`;
}
