/** Releases of what the benchmark started, run once each, newest first: on success, failure or interrupt. */

type Release = () => Promise<void> | void;

export class Cleanups {
  readonly #pending: Release[] = [];

  /** Registers a release; the returned function runs it now (once) and forgets it. */
  add(release: Release): () => Promise<void> {
    let done = false;
    const once: Release = async () => {
      if (done) return;
      done = true;
      const index = this.#pending.indexOf(once);
      if (index >= 0) this.#pending.splice(index, 1);
      await release();
    };
    this.#pending.push(once);
    return async () => {
      await once();
    };
  }

  /** Runs every release still registered; resolves `false` if any failed (each failure is reported). */
  async runAll(report: (error: unknown) => void): Promise<boolean> {
    let ok = true;
    while (this.#pending.length > 0) {
      const release = this.#pending.at(-1);
      if (release === undefined) break;
      try {
        await release();
      } catch (error) {
        ok = false;
        report(error);
      }
    }
    return ok;
  }
}
