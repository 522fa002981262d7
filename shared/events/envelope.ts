/** The events stream's record format: a versioned JSON envelope, UTF-8. The lake decodes it (shared/lake). */
import type { StreamEnvelope } from './model.ts';

const encoder = new TextEncoder();

export function encodeEnvelope(envelope: StreamEnvelope): Uint8Array {
  return encoder.encode(JSON.stringify(envelope));
}
