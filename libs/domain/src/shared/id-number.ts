import { isBusinessDate } from './dates';

/**
 * Resident identity numbers. The second generation (GB 11643-1999, 18 characters): region code, birth date
 * YYYYMMDD, sequence, and a check character (0-9 or X). The first generation (15 digits, valid until 2013 and
 * common on the programme's files from 2002 to 2011): region code, birth date YYMMDD in the 1900s, sequence,
 * no check. A 15-digit number is taken in its 18-character form, the one the public security bureau re-issued
 * it as, so a person matches across both generations and holds one borrower record. The edge hashes the number.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/**
 * The first two digits of GB/T 2260 region codes: the provinces, autonomous regions and municipalities (and
 * Taiwan, Hong Kong and Macao). Counties were renamed and merged over the years, so finer codes of numbers
 * issued long ago are not checked against today's list.
 */
const PROVINCES = new Set([
  ...['11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37'],
  ...['41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82'],
]);

/** The check character of an ID number's first 17 digits. */
export const idNumberCheck = (first17: string): string => CHECK[WEIGHTS.reduce((s, w, i) => s + w * +first17[i], 0) % 11];

const clean = (raw: string) => raw.trim().toUpperCase();
const isFirstGeneration = (id: string) => /^\d{15}$/.test(id);

/** The number in its 18-character form: a first-generation number gets the century 19 and its check character. */
export function normaliseIdNumber(raw: string): string {
  const id = clean(raw);
  if (!isFirstGeneration(id)) return id;
  const first17 = `${id.slice(0, 6)}19${id.slice(6)}`;
  return first17 + idNumberCheck(first17);
}

export function idNumberProblem(raw: string): string | undefined {
  const given = clean(raw);
  if (!/^\d{17}[\dX]$/.test(given) && !isFirstGeneration(given))
    return 'an ID number has 18 characters (17 digits and a final digit or X), or 15 digits for a first-generation card';
  const id = normaliseIdNumber(given);
  if (!PROVINCES.has(id.slice(0, 2))) return `the ID number begins with ${id.slice(0, 2)}, which is no province's code (GB/T 2260)`;
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (!isBusinessDate(birth)) return `the birth date in the ID number (${birth}) is not a real date`;
  if (idNumberCheck(id) !== id[17]) return "the ID number's check digit does not match: please check it was typed correctly";
  return undefined;
}

/** Display form of the 18-character number: region prefix and last four kept, e.g. 360721********123X. */
export const maskIdNumber = (raw: string): string => {
  const id = normaliseIdNumber(raw);
  return `${id.slice(0, 6)}${'*'.repeat(8)}${id.slice(14)}`;
};
