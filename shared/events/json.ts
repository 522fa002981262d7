/** Small helpers over parsed JSON, shared by validation, merging and enrichment. */
import { Buffer } from 'node:buffer';
import type { Json, JsonObject } from './model.ts';

/** A JSON object: not null, not an array. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** UTF-8 size of a value's compact JSON serialisation: how the collector measures an event. */
export function jsonByteLength(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

/**
 * JSON with object keys sorted at every depth, so two inputs that differ only in key order serialise alike.
 *
 * @example canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] }) === '{"a":[{"c":3,"d":2}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isJsonObject(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys(value[key]);
  return sorted;
}

/**
 * Merges `over` into `base`, recursing where both sides hold an object; `over` wins every other conflict.
 * Neither input is modified.
 */
export function deepMerge(base: JsonObject, over: JsonObject): JsonObject {
  const merged: JsonObject = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const existing = merged[key];
    merged[key] = isJsonObject(existing) && isJsonObject(value) ? deepMerge(existing, value) : value;
  }
  return merged;
}

/** The string at `object[key]` when it is a non-empty string. */
export function stringAt(object: JsonObject | undefined, key: string): string | undefined {
  const value: Json | undefined = object?.[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The object at `object[key]` when it is an object. */
export function objectAt(object: JsonObject | undefined, key: string): JsonObject | undefined {
  const value = object?.[key];
  return isJsonObject(value) ? value : undefined;
}

/** Drops the keys whose value is `undefined`, so optional fields are absent rather than present-but-empty. */
export function withoutUndefined<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}
