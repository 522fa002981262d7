/** Small helpers that turn the topology's name-keyed records into constructs with stable logical ids. */

/** Maps each entry of a name-keyed record, keeping the keys and their type. */
export function mapRecord<K extends string, V, R>(
  record: Readonly<Record<K, V>>,
  map: (name: K, value: V) => R,
): Record<K, R> {
  const entries = Object.entries(record) as [K, V][];
  return Object.fromEntries(entries.map(([name, value]) => [name, map(name, value)])) as Record<K, R>;
}

/**
 * `events` → `Events`, `order-sync` → `OrderSync`: construct ids derived from topology names, so a logical id
 * changes only when the name in the topology does.
 */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
