import { describe, expect, it } from 'vitest';
import { recentEventIds } from '../../bench/identity-latency.ts';

describe('the messageIds a recent-events write carries', () => {
  it('reads them from the document client’s plain items', () => {
    // Prepare
    const input = {
      RequestItems: {
        profiles: [
          {
            PutRequest: {
              Item: {
                pk: 'p#P1',
                sk: 'event#1763632800000#abc',
                events: [
                  ['m1', 'page'],
                  ['m2', 'track'],
                ],
              },
            },
          },
          { PutRequest: { Item: { pk: 'p#P1', sk: 'refused#1763632800000#abc', messageId: 'm3' } } },
        ],
      },
    };

    // Act / Assess
    expect(recentEventIds(input)).toEqual(['m1', 'm2']);
  });

  it('reads them from marshalled items', () => {
    // Prepare
    const input = {
      RequestItems: {
        profiles: [
          {
            PutRequest: {
              Item: {
                pk: { S: 'p#P1' },
                sk: { S: 'event#1763632800000#abc' },
                events: { L: [{ L: [{ S: 'm1' }, { S: 'page' }] }] },
              },
            },
          },
        ],
      },
    };

    // Act / Assess
    expect(recentEventIds(input)).toEqual(['m1']);
  });

  it('finds none in other requests', () => {
    expect(recentEventIds({ TableName: 'profiles', Key: { pk: 'p#P1' } })).toEqual([]);
    expect(recentEventIds(undefined)).toEqual([]);
  });
});
