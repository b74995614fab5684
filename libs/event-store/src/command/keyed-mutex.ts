/** Runs work for the same key one at a time, in arrival order; different keys run freely. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Waits for the key and holds it until the returned release is called. */
  async acquire(key: string): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let acquired!: () => void;
    const turn = new Promise<void>((resolve) => (acquired = resolve));
    void this.run(key, () => {
      acquired();
      return held;
    });
    await turn;
    return release;
  }

  /** Takes the key only if nobody holds or waits for it; the release, or undefined. */
  tryAcquire(key: string): (() => void) | undefined {
    if (this.tails.has(key)) return undefined;
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    void this.run(key, () => held);
    return release;
  }
}
