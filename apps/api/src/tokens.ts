/** Dependency-injection tokens. */
export const API_CONFIG = Symbol('API_CONFIG');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const CHECKPOINTS = Symbol('CHECKPOINTS');
export const READ_STORE = Symbol('READ_STORE');
export const COMMAND_KEYS = Symbol('COMMAND_KEYS');
/** The programme's digest signing key, or undefined where none is configured. */
export const AUDIT_KEY = Symbol('AUDIT_KEY');
