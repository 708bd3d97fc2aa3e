// One task at a time, in the order they were given: a failed task does not stop the ones after it.

/** Runs tasks one at a time, in the order they were given. */
export class Serial {
  private last: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.last.then(task, task);
    this.last = result.catch(() => undefined);
    return result;
  }
}
