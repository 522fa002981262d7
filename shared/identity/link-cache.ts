/**
 * What a warm `resolve` function remembers of the identity items it read: identity key → the profile id it
 * was linked to. It only ever serves `settledEvents` (resolve.ts), whose answer "every identifier of this event
 * is linked to one profile" can only be wrong in the safe direction: links are never re-pointed to another
 * person (a shortcut through a merge points to the same person; an erasure removes the link and its person's
 * events are screened by the `activity` lane), so a remembered link makes an event settled only when planning
 * it would change nothing. Anything else is planned from fresh reads.
 *
 * Bounded: beyond `maxEntries` the entries read longest ago are forgotten (a Map keeps insertion order).
 */
export class LinkCache {
  readonly #links = new Map<string, string>();

  constructor(private readonly maxEntries = 200_000) {}

  get(identityKey: string): string | undefined {
    return this.#links.get(identityKey);
  }

  set(identityKey: string, profileId: string): void {
    this.#links.delete(identityKey);
    this.#links.set(identityKey, profileId);
    for (const oldest of this.#links.keys()) {
      if (this.#links.size <= this.maxEntries) break;
      this.#links.delete(oldest);
    }
  }

  get size(): number {
    return this.#links.size;
  }
}
