/**
 * Rows to messages: the mapping applied to each row, or to each order's rows together (grouping), with the
 * natural key turned into the messageId. Synchronous and stateful: `push` takes the rows in order and hands
 * back what each one completed; memory holds only the orders still open (at most `group.window` rows back).
 *
 * Grouping: a row joins the open order with its key; an order closes when `group.window` rows have passed
 * without one of its rows (1: as soon as a row of another order comes, for files that list an order's rows
 * together), or at the end of the input. A row of an order that already closed starts the order anew; when it
 * is complete, the importer sees it has the messageId of one already sent (see importer.ts).
 */
import { createHash } from 'node:crypto';
import type { JsonObject } from '../events/model.ts';
import { setPath } from './fields.ts';
import type { InputRow } from './input.ts';
import type { Mapped, Omission, RowMapper } from './mapper.ts';
import type { Mapping } from './mapping.ts';

export interface RowProblem {
  /** The spec field (or `naturalKey.<column>`, the group columns) at fault; '' for the row as a whole. */
  readonly field: string;
  readonly reason: string;
  /** The offending text, when one value is at fault. */
  readonly value?: string;
}

export type Assembled =
  | {
      readonly kind: 'message';
      /** The mapped message, messageId included, before validation and enrichment. */
      readonly message: JsonObject;
      /** The rows it is made of (one, or an order's). */
      readonly rows: readonly InputRow[];
      /** The row its natural key came from. */
      readonly keyRow: InputRow;
      /** The first 16 bytes of the messageId's digest, for duplicate detection. */
      readonly fingerprint: Uint8Array;
      /** A 32-bit digest of the mapped message, to tell a repeated row from a conflicting one. */
      readonly content: number;
      /** Invalid values left out (fields with `invalid: omit`). */
      readonly omitted: readonly Omission[];
    }
  | {
      readonly kind: 'rejected';
      readonly rows: readonly InputRow[];
      readonly problem: RowProblem;
      /** The row the problem is in, when the rows are an order's. */
      readonly culprit?: InputRow;
    };

interface OpenGroup {
  readonly key: string;
  readonly rows: InputRow[];
  lastRecord: number;
  /** Rows beyond the order's maximum, rejected as they came. */
  overflow: number;
}

export class MessageAssembler {
  readonly #mapper: RowMapper;
  readonly #sourceName: string;
  readonly #encoding: string;
  readonly #window: number;
  readonly #maxRows: number;
  /** Open orders by key, in the order of their latest row. */
  readonly #open = new Map<string, OpenGroup>();

  constructor(mapper: RowMapper, mapping: Mapping) {
    this.#mapper = mapper;
    this.#sourceName = mapping.source;
    this.#encoding = mapping.input.encoding;
    this.#window = mapping.group?.window ?? 1;
    this.#maxRows = mapping.group?.maxRows ?? 1;
  }

  /** Takes the next row; appends to `out` the messages and rejections it completed. */
  push(row: InputRow, out: Assembled[]): void {
    if (row.problem !== undefined) {
      out.push({ kind: 'rejected', rows: [row], problem: { field: '', reason: row.problem } });
      return;
    }
    if (hasReplacementCharacter(row)) {
      const reason = `is not valid ${this.#encoding} text (declare the file's encoding, e.g. gbk)`;
      out.push({ kind: 'rejected', rows: [row], problem: { field: '', reason } });
      return;
    }
    const group = this.#mapper.group;
    if (group === undefined) {
      this.#assemble(this.#mapper.message(row), [row], row, out);
      return;
    }
    const key = group.key(row);
    if (key === undefined) {
      out.push({ kind: 'rejected', rows: [row], problem: { field: group.field, reason: 'is missing' } });
      return;
    }
    this.#addToGroup(row, key, out);
  }

  /** The input ended: closes every open order. */
  end(out: Assembled[]): void {
    const open = [...this.#open.values()];
    this.#open.clear();
    for (const group of open) this.#closeGroup(group, out);
  }

  #addToGroup(row: InputRow, key: string, out: Assembled[]): void {
    let group = this.#open.get(key);
    if (group === undefined) group = { key, rows: [], lastRecord: row.record, overflow: 0 };
    else this.#open.delete(key);
    group.lastRecord = row.record;
    if (group.rows.length < this.#maxRows) group.rows.push(row);
    else {
      group.overflow += 1;
      out.push({ kind: 'rejected', rows: [row], problem: this.#overflow() });
    }
    // Re-inserted last, so the map stays ordered by each order's latest row.
    this.#open.set(key, group);
    const oldest = row.record - this.#window;
    for (const open of this.#open.values()) {
      if (open.lastRecord > oldest) break;
      this.#open.delete(open.key);
      this.#closeGroup(open, out);
    }
  }

  #overflow(): RowProblem {
    return { field: this.#mapper.group?.field ?? '', reason: `order has more than ${this.#maxRows} rows` };
  }

  #closeGroup(group: OpenGroup, out: Assembled[]): void {
    const spec = this.#mapper.group;
    const first = group.rows[0];
    if (spec === undefined || first === undefined) return;
    const reject = (problem: RowProblem, culprit?: InputRow): void => {
      out.push(
        culprit === undefined
          ? { kind: 'rejected', rows: group.rows, problem }
          : { kind: 'rejected', rows: group.rows, problem, culprit },
      );
    };
    if (group.overflow > 0) {
      reject(this.#overflow());
      return;
    }
    let header = first;
    let lines: readonly InputRow[] = group.rows;
    if (spec.headerRows) {
      const headers = group.rows.filter((row) => !spec.isLine(row));
      if (headers.length !== 1) {
        const reason =
          headers.length === 0 ? 'order has no header row' : `order has ${headers.length} header rows`;
        reject({ field: spec.field, reason });
        return;
      }
      header = headers[0] ?? first;
      lines = group.rows.filter((row) => spec.isLine(row));
    }
    const message = this.#mapper.message(header);
    if (!message.ok) {
      reject(message, header);
      return;
    }
    const items: JsonObject[] = [];
    let omitted = message.omitted;
    for (const line of lines) {
      const item = spec.item(line);
      if (!item.ok) {
        reject(item, line);
        return;
      }
      items.push(item.value);
      if (item.omitted.length > 0) omitted = [...omitted, ...item.omitted];
    }
    setPath(message.value, spec.into, items);
    this.#assemble({ ok: true, value: message.value, omitted }, group.rows, header, out);
  }

  /** Gives the mapped message its messageId: a digest of the source and the natural key's values. */
  #assemble(mapped: Mapped<JsonObject>, rows: readonly InputRow[], keyRow: InputRow, out: Assembled[]): void {
    if (!mapped.ok) {
      out.push({ kind: 'rejected', rows, problem: mapped, culprit: keyRow });
      return;
    }
    const key = this.#mapper.naturalKey(keyRow);
    if (!key.ok) {
      out.push({ kind: 'rejected', rows, problem: key, culprit: keyRow });
      return;
    }
    const message = mapped.value;
    const content = fnv1a(JSON.stringify(message));
    const digest = createHash('sha256').update(this.#sourceName);
    for (const value of key.value) digest.update('\u0000').update(value);
    const fingerprint = digest.digest();
    message.messageId = `imp-${fingerprint.toString('hex')}`;
    out.push({ kind: 'message', message, rows, keyRow, fingerprint, content, omitted: mapped.omitted });
  }
}

/** U+FFFD in a row means its bytes were not text in the declared encoding. */
function hasReplacementCharacter(row: InputRow): boolean {
  if (row.text !== undefined) return row.text.includes('\uFFFD');
  for (const value of row.values as readonly string[]) if (value.includes('\uFFFD')) return true;
  return false;
}

/** 32-bit FNV-1a of a text's UTF-16 code units: a cheap digest to tell a duplicate row from a conflict. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
