/** Who acted: a person or a service, their role and the organisation they act for. */
export const ROLES = [
  'centre_clerk',
  'centre_manager',
  'bank_clerk',
  'finance_officer',
  'province_admin',
  'auditor',
  'analyst',
  'operator',
  'service',
  'system',
] as const;
export type Role = (typeof ROLES)[number];
export interface Actor {
  userId: string;
  role: Role;
  organisationId: string;
  /** The id of the token or service key the actor authenticated with (absent on events recorded before sign-in existed). */
  tokenId?: string;
}

/** The actor for work the system does by itself (day-end run, completing a half-done write). */
export const SYSTEM_ACTOR: Actor = { userId: 'system', role: 'system', organisationId: 'system' };
