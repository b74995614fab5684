/**
 * Waits for the event loop's next turn (its check phase), so that timers and I/O are served. The embedded
 * store reads synchronously, so a loop over pages of it awaits promises that are already resolved: without
 * this, catching up with a long history runs as one unbroken chain of microtasks, and the process answers
 * no request until it is done (minutes, on a province's history).
 */
export const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
