/**
 * Lets readers sleep until a writer says "something new", a timeout passes, or
 * their signal aborts. Both stores use it for `waitForAppend`.
 */
export class Wakeup {
  private readonly waiters = new Set<() => void>();

  wait(timeoutMs: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      signal?.addEventListener('abort', done, { once: true });
      this.waiters.add(done);
    });
  }

  wakeAll(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
