/** Request bodies: bounded in size, JSON whatever the Content-Type says (browsers send text/plain). */
import { Buffer } from 'node:buffer';
import { limits } from '../events/limits.ts';
import { InvalidRequestError } from './errors.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses a request body as JSON after checking its size (`limits.requestBytes`, before any parsing work).
 *
 * @example parseJsonBody('{"userId":"u1"}') // → { userId: 'u1' }
 */
export function parseJsonBody(body: string | Uint8Array | undefined): unknown {
  const size =
    body === undefined ? 0 : typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength;
  if (size > limits.requestBytes) {
    throw new InvalidRequestError(`request body is ${size} bytes; the limit is ${limits.requestBytes}`);
  }
  let text: string;
  try {
    text = body === undefined ? '' : typeof body === 'string' ? body : utf8.decode(body);
  } catch (error) {
    throw new InvalidRequestError('request body is not UTF-8 text', '', { cause: error });
  }
  text = text.replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new InvalidRequestError('request body is empty; send a JSON object');
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof SyntaxError ? `: ${error.message}` : '';
    throw new InvalidRequestError(`request body is not valid JSON${detail}`, '', { cause: error });
  }
}
