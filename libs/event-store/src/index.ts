export * from './store.port';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store';
export * from './command/command-handler';
export { eventIdFor, fingerprint, nameBasedUuid } from './command/derived-id';
export * from './command/command-keys';
export * from './checkpoint-store';
export { openEventStore } from './open-event-store';
export { copyHistory, type CopyProgress } from './copy-history';
export { StreamTransaction, type Decided } from './command/stream-transaction';
