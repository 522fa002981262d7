/** Numbers and money as exports write them: decimal commas, thousands separators, currency symbols and codes. */

export type DecimalSeparator = '.' | ',';

// Besides the other decimal mark, spaces (no-break ones too) and apostrophes group thousands.
const patterns: Record<DecimalSeparator, RegExp> = {
  // 1234.5 | 1,234.5 | 1 234.5 | .5 | 1.5e3 — one kind of grouping character per number.
  '.': /^(\d+|\d{1,3}(?:([, \u00a0\u202f'’])\d{3})(?:\2\d{3})*)?(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/,
  ',': /^(\d+|\d{1,3}(?:([. \u00a0\u202f'’])\d{3})(?:\2\d{3})*)?(?:,(\d+))?$/,
};

/**
 * Parses a decimal number written with `decimal` as the decimal mark and, optionally, a consistent thousands
 * separator (the other mark, a space or an apostrophe) in groups of three. A sign may lead (`-`, `+`, `−`), and
 * an accountant's `(12.50)` is negative. Returns `undefined` for anything else, including an ambiguous
 * `1,2345`.
 *
 * @example parseDecimal('1.234,50', ',') === 1234.5
 * @example parseDecimal('(1,234.50)', '.') === -1234.5
 */
export function parseDecimal(text: string, decimal: DecimalSeparator): number | undefined {
  let body = text.trim();
  let negative = false;
  if (body.startsWith('(') && body.endsWith(')')) {
    negative = true;
    body = body.slice(1, -1).trim();
  }
  const sign = body.charAt(0);
  if (sign === '-' || sign === '−' || sign === '+') {
    negative = negative !== (sign !== '+');
    body = body.slice(1).trimStart();
  }
  const match = patterns[decimal].exec(body);
  if (!match) return undefined;
  const [, integer = '', grouping, fraction, exponent] = match;
  if (integer === '' && fraction === undefined) return undefined;
  const digits = grouping === undefined ? integer : integer.split(grouping).join('');
  const value = Number(`${digits || '0'}${fraction === undefined ? '' : `.${fraction}`}e${exponent ?? '0'}`);
  if (!Number.isFinite(value)) return undefined;
  return negative ? -value : value;
}

/** Currency symbols and words → ISO 4217 codes. `¥` is read as CNY; a mapping's `symbols` can say JPY. */
export const defaultCurrencySymbols: Readonly<Record<string, string>> = {
  US$: 'USD',
  HK$: 'HKD',
  NT$: 'TWD',
  A$: 'AUD',
  C$: 'CAD',
  S$: 'SGD',
  NZ$: 'NZD',
  R$: 'BRL',
  $: 'USD',
  '€': 'EUR',
  '£': 'GBP',
  '¥': 'CNY',
  '￥': 'CNY',
  元: 'CNY',
  RMB: 'CNY',
  '₹': 'INR',
  '₩': 'KRW',
  '₽': 'RUB',
  '₺': 'TRY',
  '₫': 'VND',
  '₱': 'PHP',
  '฿': 'THB',
  zł: 'PLN',
  Fr: 'CHF',
};

let isoCodes: ReadonlySet<string> | undefined;

/** Whether `code` is an ISO 4217 currency code this runtime knows. */
export function isCurrencyCode(code: string): boolean {
  isoCodes ??= new Set(Intl.supportedValuesOf('currency'));
  return isoCodes.has(code);
}

/** A money text split into its currency marker (symbol, code or word) and the number text around it. */
export interface MoneyText {
  readonly marker: string | undefined;
  readonly amount: string;
}

// A currency marker before or after the number: letters (codes, words) or symbols, with optional spacing.
const leadingMarker = /^([A-Za-z]{1,3}\$|[A-Za-z]{2,3}|[^\d\s\-+−(.,]+)\s*/u;
const trailingMarker = /\s*([A-Za-z]{2,3}|[^\d\s)\-−.,]+)$/u;

/**
 * Splits `¥1,234.50`, `1.234,50 EUR`, `-US$ 5` or `(€12)` into the marker and the amount text.
 *
 * @example splitMoney('1.234,50 EUR') // { marker: 'EUR', amount: '1.234,50' }
 */
export function splitMoney(text: string): MoneyText {
  let body = text.trim();
  let sign = '';
  let wrapped = false;
  if (body.startsWith('(') && body.endsWith(')')) {
    wrapped = true;
    body = body.slice(1, -1).trim();
  }
  const first = body.charAt(0);
  if (first === '-' || first === '−' || first === '+') {
    sign = first;
    body = body.slice(1).trimStart();
  }
  let marker: string | undefined;
  const leading = leadingMarker.exec(body);
  if (leading?.[1] !== undefined) {
    marker = leading[1];
    body = body.slice(leading[0].length);
  } else {
    const trailing = trailingMarker.exec(body);
    if (trailing?.[1] !== undefined) {
      marker = trailing[1];
      body = body.slice(0, body.length - trailing[0].length);
    }
  }
  // The sign may also follow the symbol: `€-12`.
  const after = body.charAt(0);
  if (sign === '' && (after === '-' || after === '−')) {
    sign = after;
    body = body.slice(1);
  }
  const amount = `${sign}${body.trim()}`;
  return { marker, amount: wrapped ? `(${amount})` : amount };
}

/** The ISO code a currency marker stands for, or `undefined` when it names none. */
export function currencyOfMarker(
  marker: string,
  symbols: Readonly<Record<string, string>> = defaultCurrencySymbols,
): string | undefined {
  const mapped = symbols[marker] ?? defaultCurrencySymbols[marker];
  if (mapped !== undefined) return mapped;
  const upper = marker.toUpperCase();
  if (upper === 'RMB') return 'CNY';
  return /^[A-Z]{3}$/.test(upper) && isCurrencyCode(upper) ? upper : undefined;
}
