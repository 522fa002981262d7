import { describe, expect, it } from 'vitest';
import { joinPath, validateMessage } from '../../../shared/events/validate.ts';

const inBatch = { path: 'batch[3]' };

describe('validateMessage', () => {
  it('accepts a minimal track call and reports its client timestamp as the original timestamp', () => {
    // Act
    const validation = validateMessage(
      { type: 'track', event: 'Signed Up', userId: 'u1', timestamp: '2024-05-01T10:00:00+02:00' },
      inBatch,
    );

    // Assess
    expect(validation).toEqual({
      ok: true,
      message: {
        type: 'track',
        event: 'Signed Up',
        userId: 'u1',
        originalTimestamp: new Date('2024-05-01T08:00:00.000Z'),
      },
    });
  });

  it.each([
    [{ type: 'track', event: 'x' }, 'batch[3].userId', 'every message requires a userId or an anonymousId'],
    [
      { type: 'track', event: 'x', userId: '', anonymousId: '' },
      'batch[3].userId',
      'every message requires a userId or an anonymousId',
    ],
    [{ type: 'track', userId: 'u' }, 'batch[3].event', 'track requires an event name'],
    [{ type: 'track', userId: 'u', event: '' }, 'batch[3].event', 'track requires an event name'],
    [{ type: 'group', userId: 'u' }, 'batch[3].groupId', 'group requires a groupId'],
    [{ type: 'alias', anonymousId: 'a', previousId: 'p' }, 'batch[3].userId', 'alias requires a userId'],
    [{ type: 'alias', userId: 'u' }, 'batch[3].previousId', 'alias requires a previousId'],
    [
      { type: 'purchase', userId: 'u' },
      'batch[3].type',
      'must be one of track, identify, page, screen, group, alias',
    ],
    [{ userId: 'u' }, 'batch[3].type', 'must be one of track, identify, page, screen, group, alias'],
    [{ type: 'track', event: 7, userId: 'u' }, 'batch[3].event', 'must be a string'],
    [{ type: 'identify', userId: true }, 'batch[3].userId', 'must be a string or a number'],
    [
      { type: 'track', event: 'x', userId: 'u', properties: 'big' },
      'batch[3].properties',
      'must be an object',
    ],
    [{ type: 'identify', userId: 'u', traits: [1, 2] }, 'batch[3].traits', 'must be an object'],
    [{ type: 'page', userId: 'u', context: 5 }, 'batch[3].context', 'must be an object'],
    [{ type: 'page', userId: 'u', integrations: 'all' }, 'batch[3].integrations', 'must be an object'],
    [{ type: 'page', userId: 'u', messageId: '' }, 'batch[3].messageId', 'must not be empty'],
    [{ type: 'page', userId: 'u', messageId: 12 }, 'batch[3].messageId', 'must be a string'],
  ])('refuses %j at %s: %s', (input, path, reason) => {
    // Act
    const validation = validateMessage(input, inBatch);

    // Assess
    expect(validation).toEqual({ ok: false, path, reason });
  });

  it.each([
    ['timestamp', 'yesterday'],
    ['sentAt', '2024-02-30T00:00:00Z'],
    ['originalTimestamp', 1714564800000],
  ])('refuses a %s that is not ISO-8601 (%j)', (field, value) => {
    // Act
    const validation = validateMessage({ type: 'page', anonymousId: 'a', [field]: value }, inBatch);

    // Assess
    expect(validation.ok).toBe(false);
    expect(validation.ok ? '' : validation.path).toBe(`batch[3].${field}`);
    expect(validation.ok ? '' : validation.reason).toMatch(/^must be an ISO-8601 timestamp/);
  });

  it('accepts a messageId of 99 characters and refuses one of 100', () => {
    // Prepare
    const message = (length: number) => ({ type: 'page', anonymousId: 'a', messageId: 'm'.repeat(length) });

    // Act
    const [of99, of100] = [validateMessage(message(99), inBatch), validateMessage(message(100), inBatch)];

    // Assess
    expect(of99.ok).toBe(true);
    expect(of100).toEqual({
      ok: false,
      path: 'batch[3].messageId',
      reason: 'must be shorter than 100 characters',
    });
  });

  it('keeps numeric ids as strings, as Segment does', () => {
    // Act
    const validation = validateMessage({ type: 'group', userId: 42, anonymousId: 0, groupId: 7.5 }, inBatch);

    // Assess
    expect(validation).toMatchObject({
      ok: true,
      message: { userId: '42', anonymousId: '0', groupId: '7.5' },
    });
  });

  it('treats null fields as absent, as analytics.js sends them before identify', () => {
    // Act
    const validation = validateMessage(
      { type: 'page', anonymousId: 'a', userId: null, name: null, category: null, properties: null },
      inBatch,
    );

    // Assess
    expect(validation).toEqual({ ok: true, message: { type: 'page', anonymousId: 'a' } });
  });

  it('takes the type from a single-call endpoint when the body has none', () => {
    // Act
    const validation = validateMessage(
      { event: 'Clicked', anonymousId: 'a' },
      { path: '', endpointType: 'track' },
    );

    // Assess
    expect(validation).toEqual({ ok: true, message: { type: 'track', event: 'Clicked', anonymousId: 'a' } });
  });

  it('refuses a body whose type contradicts its single-call endpoint', () => {
    // Act
    const validation = validateMessage(
      { type: 'identify', userId: 'u' },
      { path: '', endpointType: 'track' },
    );

    // Assess
    expect(validation).toEqual({
      ok: false,
      path: 'type',
      reason: 'is identify, but this endpoint takes track messages',
    });
  });

  it('names the field without a prefix for a single-event body', () => {
    // Act
    const validation = validateMessage({ type: 'track', userId: 'u' }, { path: '' });

    // Assess
    expect(validation).toEqual({ ok: false, path: 'event', reason: 'track requires an event name' });
  });

  it('drops fields outside the spec, such as the write key', () => {
    // Act
    const validation = validateMessage(
      { type: 'screen', anonymousId: 'a', writeKey: 'secret', _metadata: { bundled: [] } },
      inBatch,
    );

    // Assess
    expect(validation).toEqual({ ok: true, message: { type: 'screen', anonymousId: 'a' } });
  });
});

describe('joinPath', () => {
  it.each([
    ['', ['event'], 'event'],
    ['batch[3]', ['context', 'page'], 'batch[3].context.page'],
    ['', ['batch', 2], 'batch[2]'],
    ['batch[0]', [], 'batch[0]'],
  ] as const)('joins %j and %j into %s', (prefix, segments, expected) => {
    // Act
    const path = joinPath(prefix, segments);

    // Assess
    expect(path).toBe(expected);
  });
});
