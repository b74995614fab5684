export * from './programme';
export * from './deciders';
export * from './reconciler';
export * from './open-loans';
export * from './day-end';
export * from './rules';
export * from './subsidy-claim';
