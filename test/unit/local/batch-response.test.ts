import { describe, expect, it } from 'vitest';
import { outcomeOfResponse } from '../../../infra/local/batch-response.ts';

const batch = ['4901', '4902', '4903', '4904'];

describe('outcomeOfResponse', () => {
  it.each([
    ['no response', undefined],
    ['a null response', null],
    ['an empty response', {}],
    ['a null failure list', { batchItemFailures: null }],
    ['an empty failure list', { batchItemFailures: [] }],
  ])('reads %s as a complete success', (_case, response) => {
    // Act
    const outcome = outcomeOfResponse(response, batch);

    // Assess
    expect(outcome).toEqual({ kind: 'success' });
  });

  it('resumes at the lowest failed sequence number, whatever the order of the failures', () => {
    // Prepare
    const response = { batchItemFailures: [{ itemIdentifier: '4904' }, { itemIdentifier: '4902' }] };

    // Act
    const outcome = outcomeOfResponse(response, batch);

    // Assess
    expect(outcome).toEqual({ kind: 'partial', failedFrom: 1 });
  });

  it.each([
    [
      'an identifier not in the batch',
      { batchItemFailures: [{ itemIdentifier: '4903' }, { itemIdentifier: '5000' }] },
    ],
    ['an empty identifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a null identifier', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['a misnamed identifier key', { batchItemFailures: [{ itemId: '4903' }] }],
    ['a numeric identifier', { batchItemFailures: [{ itemIdentifier: 4903 }] }],
    ['a failure list that is not a list', { batchItemFailures: { itemIdentifier: '4903' } }],
  ])('reads %s as a failure of the whole batch', (_case, response) => {
    // Act
    const outcome = outcomeOfResponse(response, batch);

    // Assess
    expect(outcome).toEqual({ kind: 'partial', failedFrom: 0 });
  });
});
