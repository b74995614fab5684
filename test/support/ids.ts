const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** A valid resident ID number (GB 11643) for a person born 1985-01-01 in 赣县, distinct per `n`. */
export function idNumber(n: number, region = '360721'): string {
  const body = `${region}19850101${String(n % 1000).padStart(3, '0')}`;
  const sum = WEIGHTS.reduce((s, w, i) => s + w * +body[i], 0);
  return body + '10X98765432'[sum % 11];
}
