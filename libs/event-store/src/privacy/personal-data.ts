import { KeyedMutex } from '../command/keyed-mutex';
import { Keyring } from './keyring';
import { SEALED, isSealed, open, seal } from './sealed-text';

/** A value that is sealed text and nothing else. */
const ONE_SEALED = new RegExp(`^${SEALED.source}$`);

/** What an erased borrower's personal data reads as, everywhere it is shown. */
export const ERASED = '（已删除）';
/** What it reads as when this system has no key for it (a keyring lost, or another system's history). */
export const NO_KEY = '（无密钥）';

/**
 * Seals a borrower's personal data before it is recorded, and reveals it where it leaves the system
 * (answers, exports, the feed, webhooks). Everything between, the history, its hashes and the
 * projections' tables, holds only sealed text.
 */
export class PersonalData {
  private readonly borrowers = new KeyedMutex();

  constructor(readonly keyring: Keyring) {}

  /**
   * Work on one borrower's personal data, one at a time in this process: an application sealed and recorded,
   * or an erasure checked and done. So an erasure never destroys the key of an application being recorded,
   * and never passes its check while a loan is being opened.
   */
  exclusive<T>(borrowerId: string, work: () => Promise<T>): Promise<T> {
    return this.borrowers.run(borrowerId, work);
  }

  /** Seals text with the borrower's current key (made, durably, if they have none yet). */
  async sealerFor(borrowerId: string): Promise<(text: string) => string> {
    const { generation, key } = await this.keyring.current(borrowerId);
    return (text) => seal(key, borrowerId, generation, text);
  }

  /** One value: sealed text opened (or the erased mark), anything else as it is. */
  reveal<T>(value: T): T | string {
    const m = typeof value === 'string' && isSealed(value) ? ONE_SEALED.exec(value) : null;
    return m ? (this.opened(m[1], Number(m[2]), m[3]) ?? (value as string)) : value;
  }

  /** Rows of a table or ledger, each value revealed. */
  revealRows<R extends Record<string, unknown>>(rows: R[]): R[] {
    return rows.map((row) => {
      let revealed: Record<string, unknown> | undefined;
      for (const [column, value] of Object.entries(row)) if (isSealed(value)) (revealed ??= { ...row })[column] = this.reveal(value);
      return (revealed ?? row) as R;
    });
  }

  /** JSON text (an answer, an NDJSON line, a webhook's body), each sealed string in it revealed. */
  revealJson(json: string): string {
    if (!json.includes('pii1.')) return json;
    return json.replace(SEALED, (token, borrowerId: string, generation: string, body: string) => {
      const text = this.opened(borrowerId, Number(generation), body);
      // Inside a JSON string already: the text escaped as JSON, without its quotes.
      return text === undefined ? token : JSON.stringify(text).slice(1, -1);
    });
  }

  private opened(borrowerId: string, generation: number, body: string): string | undefined {
    const key = this.keyring.find(borrowerId, generation);
    if (key === null) return ERASED;
    if (key === undefined) return NO_KEY;
    return open(key, borrowerId, generation, body);
  }
}
