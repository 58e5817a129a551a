/**
 * Runs tasks one after another per key, in the order they were handed over, and tasks of different keys
 * concurrently. A failed task does not stop the ones after it (its own promise rejects). A key is
 * forgotten once its last task settled, so the map holds only keys with work in flight.
 */
export class KeyedSerial {
  private readonly tails = new Map<string, Promise<void>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const result = (this.tails.get(key) ?? Promise.resolve()).then(task);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }

  /** Keys with a task running or waiting. */
  get pendingKeys(): number {
    return this.tails.size;
  }
}
