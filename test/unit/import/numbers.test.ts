import { describe, expect, it } from 'vitest';
import { currencyOfMarker, parseDecimal, splitMoney } from '../../../shared/import/numbers.ts';
import { titleCase, toHalfWidth } from '../../../shared/import/text.ts';

describe('numbers as exports write them', () => {
  it('reads decimal points with comma, space or apostrophe thousands, and decimal commas with dot thousands', () => {
    // Act
    const point = ['1234.5', '1,234.50', '1 234.5', "1'234.5", '1\u00a0234', '.5', '-12', '+7', '1.5e3'].map(
      (text) => parseDecimal(text, '.'),
    );
    const comma = ['1234,5', '1.234,50', '1 234,5', '12,50', '-0,5'].map((text) => parseDecimal(text, ','));

    // Assess
    expect(point).toEqual([1234.5, 1234.5, 1234.5, 1234.5, 1234, 0.5, -12, 7, 1500]);
    expect(comma).toEqual([1234.5, 1234.5, 1234.5, 12.5, -0.5]);
  });

  it("reads an accountant's parentheses as negative", () => {
    // Act / Assess
    expect(parseDecimal('(1,234.50)', '.')).toBe(-1234.5);
  });

  it('refuses mixed or misplaced grouping, a decimal comma where a point is declared, and text', () => {
    // Act
    const readings = ['1,2345', '1,234 567', '12,50', '1.2.3', 'abc', '', '12-', '--1'].map((text) =>
      parseDecimal(text, '.'),
    );

    // Assess
    expect(readings).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('splits money into its currency marker and amount, before or after the number', () => {
    // Act
    const splits = ['¥1,234.50', '1.234,50 EUR', '-US$ 5', '(€12)', '€-12', '99元', '12.50', 'RMB 30'].map(
      splitMoney,
    );

    // Assess
    expect(splits).toEqual([
      { marker: '¥', amount: '1,234.50' },
      { marker: 'EUR', amount: '1.234,50' },
      { marker: 'US$', amount: '-5' },
      { marker: '€', amount: '(12)' },
      { marker: '€', amount: '-12' },
      { marker: '元', amount: '99' },
      { marker: undefined, amount: '12.50' },
      { marker: 'RMB', amount: '30' },
    ]);
  });

  it('names the currency of symbols, words and ISO codes, a mapping able to reassign a symbol', () => {
    // Act
    const codes = ['¥', '￥', '元', 'RMB', '$', 'HK$', '€', 'gbp', 'XYZ'].map((marker) =>
      currencyOfMarker(marker),
    );
    const yen = currencyOfMarker('¥', { '¥': 'JPY' });

    // Assess
    expect(codes).toEqual(['CNY', 'CNY', 'CNY', 'CNY', 'USD', 'HKD', 'EUR', 'GBP', undefined]);
    expect(yen).toBe('JPY');
  });
});

describe('text clean-ups', () => {
  it('turns full-width digits, letters and signs into ASCII and leaves Chinese text alone', () => {
    // Act / Assess
    expect(toHalfWidth('＋８６ １３８－００１３\u3000ＡＢｃ＠例子。')).toBe('+86 138-0013 ABc@例子。');
  });

  it('title-cases words, hyphenated and apostrophed ones too', () => {
    // Act / Assess
    expect(titleCase("ann SMITH-jones o'brien 王小明")).toBe("Ann Smith-Jones O'Brien 王小明");
  });
});
