import { DynamicModule, Global, Module } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ReferenceData } from '@app/domain';
import {
  CheckpointStore,
  CommandHandler,
  EventStore,
  Keyring,
  PersonalData,
  SqliteCheckpointStore,
  SqliteCommandKeys,
  openEventStore,
} from '@app/event-store';
import { OpenLoans, Programme, Reconciler, RiskRegister } from '@app/programme';
import { API_CONFIG, AUDIT_KEY, CHECKPOINTS, COMMAND_KEYS, EVENT_STORE, READ_STORE } from '../tokens';
import { loadSigningKey } from '../audit/signing-key';
import { PROJECTIONS, PostgresReadStore, ProjectionRunner, ReadStore, SqliteReadStore, runnerOptionsFromEnv } from '@app/projections';
import { ApiConfig, loadRules } from '../config';
import { BorrowerIdentity } from './borrower-identity';
import { ProgrammeRuntime } from './runtime';
import { Envelopes } from '../http/request-context';
import { Authenticator } from '../auth/authenticator';
import { WebhookStore } from '../webhooks/webhook-store';
import { Jurisdiction } from '../auth/access.guard';

/** Wires the store, the command handler and the use cases; the embedded SQLite store by default. */
@Global()
@Module({})
export class ProgrammeModule {
  static forRoot(config: ApiConfig): DynamicModule {
    if (config.eventStorePath !== ':memory:') mkdirSync(dirname(config.eventStorePath), { recursive: true });
    const rules = loadRules(config);
    const providers = [
      { provide: API_CONFIG, useValue: config },
      { provide: AUDIT_KEY, useFactory: () => loadSigningKey(config.auditSigningKeyFile, process.env.NODE_ENV !== 'production') },
      {
        provide: EVENT_STORE,
        useFactory: () =>
          opening(config.eventStorePath, () =>
            openEventStore({ connectionString: config.eventStoreConnectionString, path: config.eventStorePath }),
          ),
      },
      { provide: CHECKPOINTS, useFactory: () => opening(config.eventStorePath, () => new SqliteCheckpointStore(config.eventStorePath)) },
      { provide: COMMAND_KEYS, useFactory: () => opening(config.eventStorePath, () => new SqliteCommandKeys(config.eventStorePath)) },
      { provide: WebhookStore, useFactory: () => opening(config.eventStorePath, () => new WebhookStore(config.eventStorePath)) },
      { provide: PersonalData, useFactory: () => opening(config.keyringPath, () => new PersonalData(new Keyring(config.keyringPath))) },
      { provide: ReferenceData, useValue: rules.reference },
      { provide: CommandHandler, inject: [EVENT_STORE], useFactory: (store: EventStore) => new CommandHandler(store, rules) },
      { provide: RiskRegister, inject: [EVENT_STORE], useFactory: (s: EventStore) => new RiskRegister(s) },
      {
        provide: Programme,
        inject: [CommandHandler, PersonalData, RiskRegister],
        useFactory: (h: CommandHandler, personalData: PersonalData, risk: RiskRegister) =>
          new Programme(h, (borrowerId) => personalData.sealerFor(borrowerId), risk),
      },
      {
        provide: Reconciler,
        inject: [Programme, EVENT_STORE, CHECKPOINTS],
        useFactory: (p: Programme, s: EventStore, c: CheckpointStore) => new Reconciler(p, s, c),
      },
      { provide: OpenLoans, inject: [EVENT_STORE], useFactory: (s: EventStore) => new OpenLoans(s) },
      {
        provide: READ_STORE,
        useFactory: () =>
          config.readStoreUrl
            ? new PostgresReadStore(config.readStoreUrl)
            : opening(config.eventStorePath, () => new SqliteReadStore(config.eventStorePath)),
      },
      {
        provide: ProjectionRunner,
        inject: [EVENT_STORE, READ_STORE],
        useFactory: (s: EventStore, r: ReadStore) => new ProjectionRunner(s, r, PROJECTIONS, runnerOptionsFromEnv()),
      },
      { provide: Authenticator, useFactory: () => Authenticator.create(config.auth) },
      Jurisdiction,
      BorrowerIdentity,
      ProgrammeRuntime,
      Envelopes,
    ];
    return { module: ProgrammeModule, providers, exports: providers.map((p) => ('provide' in p ? p.provide : p)) };
  }
}

/** A data file that cannot be opened or written stops the API with a message naming the file. */
async function opening<T>(path: string, open: () => T | Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    throw new Error(`Cannot open the data file ${path}: ${(error as Error).message}. Check that it exists, is a database and is writable.`);
  }
}
