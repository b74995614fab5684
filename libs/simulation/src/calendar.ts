import { BeyondTheEnd } from './life';

/**
 * The simulation's clock. Each loan's life is a coroutine that waits for its next date; a day wakes every
 * life waiting for it and ends when all of them have done their day's work and wait again (or are done).
 * Their commands run side by side, as the requests of a day would.
 */
export class Calendar {
  private today = '';
  private readonly waiting = new Map<string, Array<() => void>>();
  private running = 0;
  private idle?: () => void;
  private failure: unknown;

  constructor(private readonly end: string) {}

  spawn(life: () => Promise<void>) {
    this.running++;
    life()
      .catch((error) => {
        if (!(error instanceof BeyondTheEnd)) this.failure ??= error;
      })
      .finally(() => this.stopped());
  }

  until(date: string): Promise<void> {
    if (date > this.end) return Promise.reject(new BeyondTheEnd());
    if (date <= this.today) return Promise.resolve();
    return new Promise((wake) => {
      const list = this.waiting.get(date);
      if (list) list.push(wake);
      else this.waiting.set(date, [wake]);
      this.stopped();
    });
  }

  begin(day: string) {
    this.today = day;
  }

  /** Wakes the lives waiting for today and resolves when none is still working. */
  async runDay(): Promise<void> {
    const wake = this.waiting.get(this.today) ?? [];
    this.waiting.delete(this.today);
    this.running += wake.length;
    const done = new Promise<void>((resolve) => {
      this.idle = resolve;
    });
    for (const w of wake) w();
    if (this.running === 0) this.idle!();
    await done;
    if (this.failure) throw this.failure;
  }

  private stopped() {
    if (--this.running === 0) this.idle?.();
  }
}
