/** In-memory stand-ins for the collector's ports, shared by the collect tests. */
import { Logger } from '@aws-lambda-powertools/logger';
import type { StreamEnvelope } from '../../../shared/events/model.ts';
import type { EventStream, Source, SourceRegistry, StreamRecord } from '../../../shared/ports.ts';

export const webSource: Source = {
  name: 'website',
  channel: 'web',
  writeKey: 'wk_web',
  allowedOrigins: ['https://shop.example.com'],
};
export const serverSource: Source = {
  name: 'backend',
  channel: 'server',
  writeKey: 'wk_server',
  allowedOrigins: [],
};
export const openSource: Source = {
  name: 'anywhere',
  channel: 'web',
  writeKey: 'wk_open',
  allowedOrigins: ['*'],
};

export class FakeSourceRegistry implements SourceRegistry {
  readonly lookups: string[] = [];
  readonly #sources: Map<string, Source>;

  constructor(sources: readonly Source[] = [webSource, serverSource, openSource]) {
    this.#sources = new Map(sources.map((source) => [source.writeKey, source]));
  }

  async byWriteKey(writeKey: string): Promise<Source | undefined> {
    this.lookups.push(writeKey);
    return this.#sources.get(writeKey);
  }
}

/** Stores what it is given, except the records `refuse` picks, which it reports as failed. */
export class FakeEventStream implements EventStream {
  readonly stored: StreamRecord[] = [];
  readonly #refuse: (record: StreamRecord, index: number) => boolean;

  constructor(refuse: (record: StreamRecord, index: number) => boolean = () => false) {
    this.#refuse = refuse;
  }

  async put(records: readonly StreamRecord[]): Promise<{ readonly failed: readonly StreamRecord[] }> {
    const failed = records.filter((record, index) => this.#refuse(record, index));
    this.stored.push(...records.filter((record) => !failed.includes(record)));
    return { failed };
  }

  envelopes(): StreamEnvelope[] {
    return this.stored.map((record) => JSON.parse(new TextDecoder().decode(record.data)) as StreamEnvelope);
  }

  events() {
    return this.envelopes().flatMap((envelope) =>
      envelope.schema === 'cdp.event/1' ? [envelope.event] : [],
    );
  }

  quarantined() {
    return this.envelopes().flatMap((envelope) =>
      envelope.schema === 'cdp.quarantine/1' ? [envelope.quarantined] : [],
    );
  }
}

export function basicAuth(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
}

export function silentLogger(): Logger {
  return new Logger({ serviceName: 'collect-test', logLevel: 'SILENT' });
}
