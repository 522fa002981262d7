/**
 * The Segment spec's rules for one message, as a zod schema whose errors name the problem and the place.
 * https://segment.com/docs/connections/spec/common/ — every message needs a userId or an anonymousId; track
 * needs `event`, group needs `groupId`, alias needs `userId` and `previousId`.
 */
import { z } from 'zod';
import { isJsonObject, withoutUndefined } from './json.ts';
import { limits } from './limits.ts';
import { type JsonObject, type MessageType, messageTypes, type SpecFields } from './model.ts';
import { parseIsoTimestamp } from './timestamps.ts';

/** A message that passed the spec's rules, with ids as strings and times parsed. */
export interface ValidMessage extends SpecFields {
  readonly messageId?: string;
  /** The client's `timestamp` (Segment's originalTimestamp). */
  readonly originalTimestamp?: Date;
  readonly sentAt?: Date;
}

export type Validation =
  | { readonly ok: true; readonly message: ValidMessage }
  | { readonly ok: false; readonly reason: string; readonly path: string };

// Segment accepts numeric ids and stores them as strings; an empty id counts as no id.
const identifier = z
  .union([z.string(), z.number()], { error: 'must be a string or a number' })
  .transform((value) => (value === '' ? undefined : String(value)));

const text = z.string({ error: 'must be a string' });

const jsonObject = z.custom<JsonObject>(isJsonObject, { error: 'must be an object' });

const timestamp = z.string({ error: 'must be an ISO-8601 timestamp' }).transform((value, ctx) => {
  const parsed = parseIsoTimestamp(value);
  if (parsed === undefined) {
    ctx.addIssue({ code: 'custom', message: `must be an ISO-8601 timestamp, got "${value.slice(0, 40)}"` });
    return z.NEVER;
  }
  return parsed;
});

const messageSchema = z
  .object(
    {
      type: z.enum(messageTypes, { error: `must be one of ${messageTypes.join(', ')}` }),
      messageId: text
        .min(1, 'must not be empty')
        .max(limits.messageIdLength, `must be shorter than ${limits.messageIdLength + 1} characters`)
        .optional(),
      event: text.optional(),
      name: text.optional(),
      category: text.optional(),
      userId: identifier.optional(),
      anonymousId: identifier.optional(),
      groupId: identifier.optional(),
      previousId: identifier.optional(),
      properties: jsonObject.optional(),
      traits: jsonObject.optional(),
      context: jsonObject.optional(),
      integrations: jsonObject.optional(),
      timestamp: timestamp.optional(),
      originalTimestamp: timestamp.optional(),
      sentAt: timestamp.optional(),
    },
    { error: 'must be an object' },
  )
  .superRefine((message, ctx) => {
    const require = (present: unknown, field: string, problem: string) => {
      if (present === undefined || present === '')
        ctx.addIssue({ code: 'custom', path: [field], message: problem });
    };
    require(message.userId ??
      message.anonymousId, 'userId', 'every message requires a userId or an anonymousId');
    if (message.type === 'track') require(message.event, 'event', 'track requires an event name');
    if (message.type === 'group') require(message.groupId, 'groupId', 'group requires a groupId');
    if (message.type === 'alias') {
      require(message.userId, 'userId', 'alias requires a userId');
      require(message.previousId, 'previousId', 'alias requires a previousId');
    }
  });

/**
 * Validates one message against the spec. `path` is where the message sits in the request (`batch[3]`, or ''
 * for a single-event body) and prefixes the path of the problem. On a single-call endpoint the endpoint names
 * the type: the body may omit `type`, and may not contradict it.
 *
 * @example validateMessage({ type: 'track', userId: 'u1' }, { path: 'batch[3]' })
 *   // → { ok: false, path: 'batch[3].event', reason: 'track requires an event name' }
 */
export function validateMessage(
  input: unknown,
  where: { path: string; endpointType?: MessageType },
): Validation {
  const withType =
    isJsonObject(input) && where.endpointType !== undefined && input.type == null
      ? { ...input, type: where.endpointType }
      : input;
  const parsed = messageSchema.safeParse(isJsonObject(withType) ? withoutNulls(withType) : withType);
  if (!parsed.success) {
    // One reason per message: the first problem is the one to fix first.
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      reason: issue?.message ?? 'is not a valid message',
      path: joinPath(where.path, issue?.path ?? []),
    };
  }
  const { timestamp: clientTimestamp, originalTimestamp, ...rest } = parsed.data;
  if (where.endpointType !== undefined && rest.type !== where.endpointType) {
    return {
      ok: false,
      reason: `is ${rest.type}, but this endpoint takes ${where.endpointType} messages`,
      path: joinPath(where.path, ['type']),
    };
  }
  const message: ValidMessage = withoutUndefined({
    ...rest,
    originalTimestamp: clientTimestamp ?? originalTimestamp,
  });
  return { ok: true, message };
}

// Browser clients send `"userId": null` before identify and `"name": null` for unnamed pages: null means absent.
function withoutNulls(object: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== null));
}

/** `joinPath('batch[3]', ['context', 'page'])` → `batch[3].context.page`; `joinPath('', ['event'])` → `event`. */
export function joinPath(prefix: string, segments: readonly PropertyKey[]): string {
  let path = prefix;
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else path += path === '' ? String(segment) : `.${String(segment)}`;
  }
  return path;
}
