import { isBusinessDate } from './dates';

/**
 * Resident identity numbers (GB 11643-1999): 17 digits and a check character (0-9 or X),
 * region code, birth date, sequence. Only the check is done here; the edge hashes the number.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

/** The check character of an ID number's first 17 digits. */
export const idNumberCheck = (first17: string): string => CHECK[WEIGHTS.reduce((s, w, i) => s + w * +first17[i], 0) % 11];

export function idNumberProblem(raw: string): string | undefined {
  const id = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(id)) return 'an ID number has 18 characters: 17 digits and a final digit or X';
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  if (!isBusinessDate(birth)) return `the birth date in the ID number (${birth}) is not a real date`;
  if (idNumberCheck(id) !== id[17]) return "the ID number's check digit does not match: please check it was typed correctly";
  return undefined;
}

export const normaliseIdNumber = (raw: string): string => raw.trim().toUpperCase();

/** Display form: region prefix and last four kept, e.g. 360721**********123X. */
export const maskIdNumber = (raw: string): string => {
  const id = normaliseIdNumber(raw);
  return `${id.slice(0, 6)}${'*'.repeat(8)}${id.slice(14)}`;
};
