import { DynamicModule, Global, Module } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ReferenceData } from '@app/domain';
import { CheckpointStore, CommandHandler, EventStore, SqliteCheckpointStore, openEventStore } from '@app/event-store';
import { OpenLoans, Programme, Reconciler } from '@app/programme';
import { API_CONFIG, CHECKPOINTS, EVENT_STORE, READ_STORE } from '../tokens';
import { PROJECTIONS, PostgresReadStore, ProjectionRunner, ReadStore, SqliteReadStore } from '@app/projections';
import { ApiConfig, loadRules } from '../config';
import { BorrowerIdentity } from './borrower-identity';
import { ProgrammeRuntime } from './runtime';
import { Envelopes } from '../http/request-context';

/** Wires the store, the command handler and the use cases; the embedded SQLite store by default. */
@Global()
@Module({})
export class ProgrammeModule {
  static forRoot(config: ApiConfig): DynamicModule {
    if (config.eventStorePath !== ':memory:') mkdirSync(dirname(config.eventStorePath), { recursive: true });
    const rules = loadRules(config);
    const providers = [
      { provide: API_CONFIG, useValue: config },
      {
        provide: EVENT_STORE,
        useFactory: async () => openEventStore({ connectionString: config.eventStoreConnectionString, path: config.eventStorePath }),
      },
      { provide: CHECKPOINTS, useFactory: () => new SqliteCheckpointStore(config.eventStorePath) },
      { provide: ReferenceData, useValue: rules.reference },
      { provide: CommandHandler, inject: [EVENT_STORE], useFactory: (store: EventStore) => new CommandHandler(store, rules) },
      { provide: Programme, inject: [CommandHandler], useFactory: (h: CommandHandler) => new Programme(h) },
      {
        provide: Reconciler,
        inject: [Programme, EVENT_STORE, CHECKPOINTS],
        useFactory: (p: Programme, s: EventStore, c: CheckpointStore) => new Reconciler(p, s, c),
      },
      { provide: OpenLoans, inject: [EVENT_STORE], useFactory: (s: EventStore) => new OpenLoans(s) },
      {
        provide: READ_STORE,
        useFactory: () => (config.readStoreUrl ? new PostgresReadStore(config.readStoreUrl) : new SqliteReadStore(config.eventStorePath)),
      },
      {
        provide: ProjectionRunner,
        inject: [EVENT_STORE, READ_STORE],
        useFactory: (s: EventStore, r: ReadStore) => new ProjectionRunner(s, r, PROJECTIONS),
      },
      BorrowerIdentity,
      ProgrammeRuntime,
      Envelopes,
    ];
    return { module: ProgrammeModule, providers, exports: providers.map((p) => ('provide' in p ? p.provide : p)) };
  }
}
