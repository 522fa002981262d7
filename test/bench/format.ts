/** Number formats for the printed summary (the JSON report keeps the numbers). */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function count(value: number): string {
  return integer.format(value);
}

export function ms(value: number): string {
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ms`;
}

export function usd(value: number): string {
  return `$${value < 0.01 ? value.toPrecision(2) : value.toFixed(4)}`;
}

export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}
