import { describe, expect, it } from 'vitest';
import { readSummaryFile, readTransactionsFile } from '../../../shared/scoring/files.ts';

describe('readSummaryFile', () => {
  it('reads the lifetimes and the paper’s column names alike, grouping equal rows', () => {
    // Prepare
    const lifetimes =
      'ID,frequency,recency,T,monetary_value\n1,2,30.43,38.86,22.35\n2,0,0,38.86,0\n3,0,0,38.86,0\n';
    const paper = 'x,t_x,T,zbar\r\n2,30.43,38.86,22.35\r\n0,0,38.86,0\r\n0,0,38.86,0\r\n';

    // Act
    const fromLifetimes = readSummaryFile(lifetimes, 'a.csv', 'weeks', ['x', 'tx', 'T', 'zbar']);
    const fromPaper = readSummaryFile(paper, 'b.csv', 'weeks', ['x', 'tx', 'T', 'zbar']);

    // Assess
    expect(fromLifetimes).toEqual(fromPaper);
    expect(fromPaper.purchases).toMatchObject({
      x: [2, 0],
      tx: [30.43, 0],
      T: [38.86, 38.86],
      weight: [1, 2],
      customers: 3,
    });
    expect(fromPaper.spend).toMatchObject({ x: [2], zbar: [22.35], customers: 1 });
  });

  it.each([
    ['x,t_x,T\n1,2,3\n1,abc,3\n', /b\.csv line 3, column t_x: 'abc' is not a number/],
    ['x,t_x,T\n1.5,2,3\n', /line 2, column x: '1\.5' is not a whole number/],
    ['x,t_x,T\n1,4,3\n', /line 2, column t_x: t_x \(recency\) 4 is after T 3/],
    ['x,t_x,T\n0,1,3\n', /line 2, column t_x: t_x \(recency\) must be 0 when x is 0/],
    ['x,t_x,T\n1,2,-3\n', /line 2, column T: T must be a number ≥ 0/],
    ['x,t_x,T\n1,2\n', /b\.csv line 2: .*(Invalid Record Length|fields)/],
    ['frequency,T\n1,2\n', /b\.csv line 1: no recency or t_x column/],
    ['', /b\.csv: the file is empty/],
  ])('names file, line and column of a bad value: %j', (text, message) => {
    expect(() => readSummaryFile(text, 'b.csv', 'weeks', ['x', 'tx', 'T'])).toThrow(message);
  });

  it('needs a positive zbar for repeat buyers when fitting spend', () => {
    expect(() => readSummaryFile('x,zbar\n2,0\n', 's.csv', 'weeks', ['x', 'zbar'])).toThrow(
      /s\.csv line 2, column zbar: .*must be > 0/,
    );
  });
});

describe('readTransactionsFile', () => {
  it('reads customer_id,date,amount and extra numeric columns as attributes', () => {
    // Prepare
    const text =
      'customer_id,date,amount,items\na,2024-01-01,10.5,2\n"b, inc",2024-01-02,3,\na,2024-01-01,1,1\n';

    // Act
    const file = readTransactionsFile(text, 't.csv');

    // Assess
    expect(file.attributeNames).toEqual(['items']);
    expect(file.transactions).toBe(3);
    expect(file.histories).toHaveLength(2);
    expect(file.histories[0]).toMatchObject({
      customerId: 'a',
      cents: [1150],
      transactions: [2],
      attributeSums: [[3]],
    });
    expect(file.histories[1]).toMatchObject({ customerId: 'b, inc', attributeSums: [[0]] });
  });

  it.each([
    ['customer_id,date,amount\na,2024-02-30,1\n', /t\.csv line 2, column date: '2024-02-30' is not a date/],
    ['customer_id,date,amount\na,2024-02-03,-1\n', /line 2, column amount: the amount -1 is negative/],
    [
      'customer_id,date,amount\na,2024-02-03,1\n,2024-02-03,1\n',
      /line 3, column customer_id: the customer id is empty/,
    ],
    ['customer_id,day,amount\n', /t\.csv line 1: no date column/],
    ['customer_id,date,amount\n', /no transactions after the header/],
    ['customer_id,date,amount,items\na,2024-02-03,1,many\n', /line 2, column items: 'many' is not a number/],
  ])('names file, line and column of a bad value: %j', (text, message) => {
    expect(() => readTransactionsFile(text, 't.csv')).toThrow(message);
  });
});
