/**
 * The messageIds an import has already sent, to count a repeated row as a duplicate (same key, same content)
 * or reject it as a conflict (same key, other content) — in bounded memory, whatever the file's size.
 *
 * Keys are 128-bit fingerprints (the first 16 bytes of the messageId's SHA-256 digest) in open-addressing
 * tables of typed arrays: 24 bytes a slot, no object per key. Two generations: when the current one holds
 * `generationSize` keys it becomes the previous one and the oldest generation is dropped, so the last
 * `generationSize` keys (and up to twice as many) are always remembered. A repeat further back is not
 * recognised here; it is sent again, and the lake keeps one row per messageId.
 */

/** 16 bytes, read as four 32-bit words. */
export type Fingerprint = Uint8Array;

export interface SeenKey {
  /** A 32-bit digest of the event the key was sent with. */
  readonly content: number;
  /** The record number the key was first seen at (modulo 2³²). */
  readonly record: number;
}

const slotWords = 6;
const initialSlots = 1 << 12;

class Table {
  readonly slots: Uint32Array;
  readonly mask: number;
  size = 0;

  constructor(slotCount: number) {
    this.slots = new Uint32Array(slotCount * slotWords);
    this.mask = slotCount - 1;
  }

  /** The slot index holding the key, or the empty slot where it would go, as `-index - 1`. */
  find(a: number, b: number, c: number, d: number): number {
    const { slots, mask } = this;
    for (let index = a & mask; ; index = (index + 1) & mask) {
      const at = index * slotWords;
      const s0 = slots[at] as number;
      const s1 = slots[at + 1] as number;
      const s2 = slots[at + 2] as number;
      const s3 = slots[at + 3] as number;
      if (s0 === a && s1 === b && s2 === c && s3 === d) return index;
      if (s0 === 0 && s1 === 0 && s2 === 0 && s3 === 0) return -index - 1;
    }
  }

  put(index: number, a: number, b: number, c: number, d: number, content: number, record: number): void {
    const at = index * slotWords;
    const { slots } = this;
    slots[at] = a;
    slots[at + 1] = b;
    slots[at + 2] = c;
    slots[at + 3] = d;
    slots[at + 4] = content;
    slots[at + 5] = record;
    this.size += 1;
  }
}

export class RecentKeys {
  readonly #generationSize: number;
  #current = new Table(initialSlots);
  #previous: Table | undefined;

  /** @param generationSize keys per generation, a power of two @default 2¹⁹ (at most 48 MiB in all) */
  constructor(generationSize = 1 << 19) {
    this.#generationSize = generationSize;
  }

  get(key: Fingerprint): SeenKey | undefined {
    const [a, b, c, d] = words(key);
    for (const table of [this.#current, this.#previous]) {
      if (table === undefined) continue;
      const index = table.find(a, b, c, d);
      if (index >= 0) {
        const at = index * slotWords;
        return { content: table.slots[at + 4] as number, record: table.slots[at + 5] as number };
      }
    }
    return undefined;
  }

  /** Remembers a key that `get` did not find. */
  add(key: Fingerprint, content: number, record: number): void {
    const [a, b, c, d] = words(key);
    if (this.#current.size >= this.#generationSize) {
      this.#previous = this.#current;
      this.#current = new Table(initialSlots);
    } else if (this.#current.size * 2 >= this.#current.mask + 1) {
      this.#current = grown(this.#current);
    }
    const index = this.#current.find(a, b, c, d);
    if (index < 0) this.#current.put(-index - 1, a, b, c, d, content >>> 0, record >>> 0);
  }
}

/** The same keys in a table twice the size (the load stays at most one half). */
function grown(table: Table): Table {
  const larger = new Table((table.mask + 1) * 2);
  const { slots } = table;
  for (let at = 0; at < slots.length; at += slotWords) {
    const a = slots[at] as number;
    const b = slots[at + 1] as number;
    const c = slots[at + 2] as number;
    const d = slots[at + 3] as number;
    if (a === 0 && b === 0 && c === 0 && d === 0) continue;
    const index = larger.find(a, b, c, d);
    larger.put(-index - 1, a, b, c, d, slots[at + 4] as number, slots[at + 5] as number);
  }
  return larger;
}

function words(key: Fingerprint): [number, number, number, number] {
  const view = new DataView(key.buffer, key.byteOffset, 16);
  // An all-zero key would read as an empty slot; setting one bit costs nothing at 128 bits.
  return [view.getUint32(0) | 1, view.getUint32(4), view.getUint32(8), view.getUint32(12)].map(
    (word) => word >>> 0,
  ) as [number, number, number, number];
}
