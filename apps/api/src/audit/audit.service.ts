import { Inject, Injectable, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Actor, ReferenceData } from '@app/domain';
import {
  EventStore,
  HistoryDigest,
  HistoryReport,
  SigningKey,
  proveConsistency,
  proveInclusion,
  publicKeyPem,
  recordedDigest,
  recordedDigests,
  sealMonth,
  verifyHistory,
} from '@app/event-store';
import { PROJECTIONS, ProjectionComparison, ReadStore, compareWithRebuild, publishBulletin, replayPublications } from '@app/projections';
import { AUDIT_KEY, EVENT_STORE, READ_STORE } from '../tokens';

/** A run of the verifier, as auditors follow it. */
export interface Verification {
  state: 'running' | 'done' | 'failed';
  startedAt: string;
  finishedAt?: string;
  /** Events replayed so far. */
  events: number;
  history?: HistoryReport;
  projections?: ProjectionComparison;
  /** Whether everything checked out, once done. */
  ok?: boolean;
  error?: string;
}

/** The auditors' side of the API: the signing key, the digests, proofs, and one verifier run at a time. */
@Injectable()
export class AuditService {
  private latest?: Verification;

  constructor(
    @Inject(AUDIT_KEY) private readonly key: SigningKey | undefined,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    private readonly reference: ReferenceData,
  ) {}

  async publishBulletin(month: string, actor?: Actor) {
    return (await publishBulletin(this.store, this.readStore, this.reference, month, { actor })).publication;
  }

  /** Each publication of the month rebuilt from the history known at it: whether its content hash is reproduced. */
  async replayBulletin(month: string) {
    const replays = await replayPublications(this.store, this.readStore, this.reference, month);
    if (!replays.length)
      throw new NotFoundException({ code: 'AUDIT.NOT_PUBLISHED', message: `The bulletin of ${month} has not been published.` });
    return replays.map(({ publication, reproducedHash, same }) => ({ ...publication, reproducedHash, same }));
  }

  publicKey() {
    const key = this.requireKey();
    return { algorithm: 'Ed25519', keyId: key.keyId, publicKeyPem: publicKeyPem(key.publicKey) };
  }

  seal(month: string, actor?: Actor) {
    return sealMonth(this.store, this.requireKey(), month, { actor });
  }

  digests(): Promise<HistoryDigest[]> {
    return recordedDigests(this.store);
  }

  async digest(month: string): Promise<HistoryDigest> {
    const digest = await recordedDigest(this.store, month);
    if (!digest)
      throw new NotFoundException({ code: 'AUDIT.NOT_SEALED', message: `${month} has not been sealed: there is no digest of it yet.` });
    return digest;
  }

  async inclusion(eventId: string, month: string) {
    return proveInclusion(this.store, eventId, await this.digest(month)).catch((error: Error) => {
      if (error instanceof RangeError) throw new NotFoundException({ code: 'AUDIT.NOT_INCLUDED', message: error.message });
      throw error;
    });
  }

  async consistency(from: string, to: string) {
    return proveConsistency(this.store, await this.digest(from), await this.digest(to));
  }

  /** Starts a run of the verifier unless one is running; it goes on in the background. */
  startVerification(): Verification {
    if (this.latest?.state === 'running') return this.latest;
    const run: Verification = { state: 'running', startedAt: new Date().toISOString(), events: 0 };
    this.latest = run;
    void this.verify(run);
    return run;
  }

  latestVerification(): Verification {
    if (!this.latest)
      throw new NotFoundException({ code: 'AUDIT.NO_VERIFICATION', message: 'The verifier has not been run since the API started.' });
    return this.latest;
  }

  private async verify(run: Verification) {
    const scratch = join(tmpdir(), `loans-verify-${process.pid}-${Date.now()}.db`);
    try {
      run.history = await verifyHistory(this.store, { publicKey: this.requireKey().publicKey, onProgress: (n) => (run.events = n) });
      run.projections = await compareWithRebuild(this.store, this.readStore, PROJECTIONS, scratch);
      run.ok = run.history.problems.length === 0 && run.projections.samePosition && run.projections.differences.length === 0;
      run.state = 'done';
    } catch (error) {
      run.state = 'failed';
      run.error = (error as Error).message;
    } finally {
      run.finishedAt = new Date().toISOString();
      for (const suffix of ['', '-wal', '-shm']) rmSync(scratch + suffix, { force: true });
    }
  }

  private requireKey(): SigningKey {
    if (!this.key)
      throw new ServiceUnavailableException({
        code: 'AUDIT.NO_SIGNING_KEY',
        message: 'This installation has no audit signing key (AUDIT_SIGNING_KEY_FILE): months cannot be sealed or checked against it.',
      });
    return this.key;
  }
}
