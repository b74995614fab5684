import { createHmac } from 'node:crypto';
import { RiskKeyKind, RiskKeys } from '@app/domain';

/** What an application says that risk control matches on, as the clerk typed it. */
export interface RiskDetails {
  phone?: string;
  address?: string;
  bankAccount?: string;
  businessLicence?: string;
  projectName: string;
}

const words = (raw: string) =>
  raw
    .normalize('NFKC')
    .replace(/[\s\p{P}\p{S}]/gu, '')
    .toUpperCase();

/**
 * The normal form of each detail, so that the ways a clerk may type the same thing match: a phone without
 * spaces, dashes or the country code; an address or a project without spaces or punctuation, full-width
 * characters made half-width; an account's digits; a licence in capitals.
 */
export const NORMAL_FORMS: Record<Exclude<RiskKeyKind, 'project'>, (raw: string) => string> = {
  phone: (raw) => raw.replace(/\D/g, '').replace(/^(?:0086|86)(?=1\d{10}$)/, ''),
  address: words,
  bank_account: (raw) => raw.replace(/\D/g, ''),
  business_licence: (raw) => raw.normalize('NFKC').replace(/\s/g, '').toUpperCase(),
};

/**
 * Blind indexes: a keyed hash of each detail's normal form, under the programme's secret and the detail's kind,
 * so that two applications' details are compared without either being readable (the details themselves are
 * sealed with the borrower's key, and erased with it). A project's name alone names no business (a county has
 * hundreds of orange groves), so it is matched with its address, and only when the address is given.
 */
export function riskKeysOf(d: RiskDetails, secret: string): RiskKeys {
  const normal: Array<[RiskKeyKind, string]> = [
    ['phone', d.phone ? NORMAL_FORMS.phone(d.phone) : ''],
    ['address', d.address ? NORMAL_FORMS.address(d.address) : ''],
    ['bank_account', d.bankAccount ? NORMAL_FORMS.bank_account(d.bankAccount) : ''],
    ['business_licence', d.businessLicence ? NORMAL_FORMS.business_licence(d.businessLicence) : ''],
    ['project', d.address ? `${words(d.projectName)}@${NORMAL_FORMS.address(d.address)}` : ''],
  ];
  const keys: RiskKeys = {};
  for (const [kind, value] of normal)
    if (value) keys[kind] = createHmac('sha256', secret).update(`risk:${kind}:${value}`).digest('hex').slice(0, 32);
  return keys;
}
