import { Inject, Injectable, Logger, NotFoundException, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import {
  Actor,
  BusinessDate,
  ErasureBasis,
  borrowerDecider,
  borrowerStream,
  checkErasable,
  erasureDecider,
  erasureStream,
} from '@app/domain';
import { CommandEnvelope, CommandHandler, ErasedKey, EventStore, PersonalData, nameBasedUuid } from '@app/event-store';
import { EVENT_STORE } from '../tokens';
import { ErasureDto } from './erasure.dto';

/**
 * Erasing a borrower: the keys are destroyed first, with the request's legal basis kept beside them, and the
 * event that records it follows. A restart between the two records the event then, so an erasure done is
 * always recorded and never done twice.
 */
@Injectable()
export class Erasures implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('Erasure');

  constructor(
    private readonly personalData: PersonalData,
    private readonly handler: CommandHandler,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async onApplicationBootstrap() {
    // An erasure whose log could not be emptied then (another process was reading) is emptied now.
    if (!this.keyring.emptyLog()) this.log.warn("the keyring's write-ahead log could not be emptied: another process is reading it");
    const pending = this.keyring.unrecorded();
    if (pending.length) this.log.warn(`recording ${pending.length} erasure(s) done before the last stop`);
    await this.recordPending();
  }

  onApplicationShutdown() {
    this.keyring.close();
  }

  async erase(borrowerId: string, dto: ErasureDto, actor: Actor, businessDate: BusinessDate) {
    if (!this.keyring.knows(borrowerId))
      throw new NotFoundException({
        code: 'BORROWER.NO_PERSONAL_DATA',
        message: 'This system holds no personal data of that person: no application of theirs was taken here.',
      });
    checkErasable((await this.handler.load(borrowerStream(borrowerId), borrowerDecider)).state);
    this.keyring.erase(borrowerId, {
      legalBasis: dto.legalBasis,
      basisDetail: dto.basisDetail,
      requestReference: dto.requestReference,
      erasedBy: JSON.stringify({ actor, businessDate }),
    });
    this.log.log(`${actor.userId} (${actor.role}) erased the personal data of borrower ${borrowerId} (${dto.legalBasis})`);
    await this.recordPending();
    return { borrowerId, erasures: (await this.store.readStream(erasureStream(borrowerId))).map((e) => e.data) };
  }

  /** Records every erasure not yet in the history, one event per borrower and request. */
  private async recordPending() {
    for (const erased of groupByRequest(this.keyring.unrecorded())) {
      const { actor, businessDate } = JSON.parse(erased.erasedBy) as { actor: Actor; businessDate: BusinessDate };
      const { borrowerId, legalBasis, requestReference, erasedAt, generations } = erased;
      const env: CommandEnvelope = { commandId: nameBasedUuid(`erasure/${borrowerId}/${generations.join(',')}`), actor, businessDate };
      await this.handler.handle(
        erasureStream(borrowerId),
        erasureDecider,
        {
          type: 'RecordErasure',
          data: { borrowerId, keyGenerations: generations, legalBasis: legalBasis as ErasureBasis, requestReference, erasedAt },
        },
        env,
      );
      for (const generation of generations) this.keyring.markRecorded(borrowerId, generation);
    }
  }

  private get keyring() {
    return this.personalData.keyring;
  }
}

/** Keys destroyed by one request (same borrower, same moment) become one event. */
function groupByRequest(keys: ErasedKey[]): Array<ErasedKey & { generations: number[] }> {
  const requests = new Map<string, ErasedKey & { generations: number[] }>();
  for (const key of keys) {
    const id = `${key.borrowerId} ${key.erasedAt}`;
    const request = requests.get(id) ?? { ...key, generations: [] };
    request.generations.push(key.generation);
    requests.set(id, request);
  }
  return [...requests.values()];
}
