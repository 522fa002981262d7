/** In-memory ports for driving the collector without a network: they count and keep nothing else. */
import { Buffer } from 'node:buffer';
import type { EventStream, Source, SourceRegistry, StreamRecord } from '../../shared/ports.ts';
import { onDemandMeteredBytes, putPayloadUnits, type StreamUsage } from './cost-model.ts';

export class StaticSourceRegistry implements SourceRegistry {
  readonly #sources: ReadonlyMap<string, Source>;

  constructor(sources: readonly Source[]) {
    this.#sources = new Map(sources.map((source) => [source.writeKey, source]));
  }

  async byWriteKey(writeKey: string): Promise<Source | undefined> {
    return this.#sources.get(writeKey);
  }
}

/** Takes every record, counting them and their sizes as Kinesis would meter them; stores none. */
export class CountingEventStream implements EventStream {
  #usage = { records: 0, bytes: 0, putPayloadUnits: 0, onDemandMeteredBytes: 0 };

  async put(records: readonly StreamRecord[]): Promise<{ readonly failed: readonly StreamRecord[] }> {
    for (const record of records) {
      const bytes = record.data.byteLength + Buffer.byteLength(record.partitionKey, 'utf8');
      this.#usage.records += 1;
      this.#usage.bytes += bytes;
      this.#usage.putPayloadUnits += putPayloadUnits(bytes);
      this.#usage.onDemandMeteredBytes += onDemandMeteredBytes(bytes);
    }
    return { failed: [] };
  }

  /** The usage since the last reset. */
  usage(): StreamUsage {
    return { ...this.#usage };
  }

  reset(): void {
    this.#usage = { records: 0, bytes: 0, putPayloadUnits: 0, onDemandMeteredBytes: 0 };
  }
}
