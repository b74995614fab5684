import { idNumberCheck } from '@app/domain';
/** A valid resident ID number (GB 11643) for a person born 1985-01-01 in 赣县, distinct per `n`. */
export function idNumber(n: number, region = '360721'): string {
  const body = `${region}19850101${String(n % 1000).padStart(3, '0')}`;
  return body + idNumberCheck(body);
}
