/**
 * Exact frequent itemsets (FP-growth) and association rules over baskets, the in-process half of the
 * association analysis: the SQL reduces the orders to distinct baskets of frequent items with how many
 * transactions hold each (association.sql), and this finds every itemset, of any length up to `maxLength`,
 * that at least `minCount` transactions contain, and the rules X ⇒ y between them.
 *
 * The results are those of the classic Apriori definition (Agrawal & Srikant; arules' `apriori`): support is a
 * count over all transactions, an itemset is frequent when its count is at least `minCount`, and a rule
 * X ⇒ y comes from a frequent itemset X ∪ {y} with a single-item consequent. FP-growth finds the same
 * itemsets as Apriori without generating candidates. Memory grows with the FP-tree, at most the number of
 * frequent item occurrences in the distinct baskets; raise the support threshold to bound it.
 *
 * @example
 * const rules = associationRules(
 *   [{ items: ['bread', 'milk'], count: 3 }, { items: ['milk'], count: 1 }],
 *   { transactions: 4, minCount: 2, minConfidence: 0.5, minLift: 0, minLength: 2, maxLength: 2 },
 * );
 * // [{ antecedent: ['bread'], consequent: 'milk', count: 3, support: 0.75, confidence: 1, lift: 1, … }, …]
 */
import { AnalyticsError } from './errors.ts';

/** A distinct basket of items and how many transactions have exactly it. */
export interface Basket {
  readonly items: readonly string[];
  readonly count: number;
}

export interface FrequentItemset {
  /** Sorted (UTF-16 code unit order, the same in every locale). */
  readonly items: readonly string[];
  readonly count: number;
}

export interface ItemsetOptions {
  /** An itemset is frequent when at least this many transactions contain it. */
  readonly minCount: number;
  /** Longest itemset to find. */
  readonly maxLength: number;
}

export interface RuleOptions extends ItemsetOptions {
  /** All transactions, N: supports are counts divided by N. */
  readonly transactions: number;
  readonly minConfidence: number;
  readonly minLift: number;
  /** Shortest itemset a rule is made of, consequent included; 1 allows rules with an empty antecedent. */
  readonly minLength: number;
}

/** X ⇒ y, with the measures of arules' `interestMeasure`. */
export interface AssociationRule {
  /** Sorted like itemsets; empty only when `minLength` is 1. */
  readonly antecedent: readonly string[];
  readonly consequent: string;
  /** Items in X ∪ {y}. */
  readonly size: number;
  /** Transactions containing X ∪ {y}. */
  readonly count: number;
  /** count / N. */
  readonly support: number;
  /** count(X ∪ {y}) / count(X). */
  readonly confidence: number;
  /** confidence / support(y). */
  readonly lift: number;
  /** support(X ∪ {y}) − support(X) × support(y). */
  readonly leverage: number;
  /** (1 − support(y)) / (1 − confidence); Infinity when the confidence is 1. */
  readonly conviction: number;
}

interface FpNode {
  readonly item: number;
  count: number;
  readonly parent: FpNode | undefined;
  readonly children: Map<number, FpNode>;
}

interface FpTree {
  /** The tree's frequent items, least frequent first (the order FP-growth mines them in). */
  readonly items: readonly number[];
  readonly counts: ReadonlyMap<number, number>;
  /** Every node of each item. */
  readonly nodes: ReadonlyMap<number, readonly FpNode[]>;
}

interface WeightedPath {
  readonly items: readonly number[];
  readonly count: number;
}

/** Every itemset of 1 to `maxLength` items that at least `minCount` of the baskets' transactions contain. */
export function frequentItemsets(baskets: readonly Basket[], options: ItemsetOptions): FrequentItemset[] {
  const { names, paths } = encode(baskets);
  const found: FrequentItemset[] = [];
  mine(buildTree(paths, options.minCount), [], options, (codes, count) => {
    found.push({ items: codes.map((code) => names[code] ?? '').sort(compareText), count });
  });
  return found;
}

/**
 * Every rule X ⇒ y with X ∪ {y} frequent, `minLength` ≤ |X ∪ {y}| ≤ `maxLength`, confidence ≥
 * `minConfidence` and lift ≥ `minLift`; by lift, then confidence, then count, descending, then by items.
 */
export function associationRules(baskets: readonly Basket[], options: RuleOptions): AssociationRule[] {
  const { names, paths } = encode(baskets);
  const counts = new Map<string, number>();
  const itemsets: { codes: number[]; count: number }[] = [];
  mine(buildTree(paths, options.minCount), [], options, (codes, count) => {
    const sorted = [...codes].sort((a, b) => a - b);
    counts.set(sorted.join(','), count);
    if (sorted.length >= options.minLength) itemsets.push({ codes: sorted, count });
  });
  const n = options.transactions;
  const rules: AssociationRule[] = [];
  for (const { codes, count } of itemsets) {
    for (const [index, consequent] of codes.entries()) {
      const antecedent = codes.filter((_code, i) => i !== index);
      const antecedentCount = antecedent.length === 0 ? n : counts.get(antecedent.join(','));
      const consequentCount = counts.get(String(consequent));
      if (antecedentCount === undefined || consequentCount === undefined) {
        // Every subset of a frequent itemset is frequent, so FP-growth found it: this is a bug if reached.
        throw new AnalyticsError('FP-growth missed a subset of a frequent itemset');
      }
      const confidence = count / antecedentCount;
      const consequentSupport = consequentCount / n;
      const lift = confidence / consequentSupport;
      if (confidence < options.minConfidence || lift < options.minLift) continue;
      rules.push({
        antecedent: antecedent.map((code) => names[code] ?? '').sort(compareText),
        consequent: names[consequent] ?? '',
        size: codes.length,
        count,
        support: count / n,
        confidence,
        lift,
        leverage: count / n - (antecedentCount / n) * consequentSupport,
        conviction: confidence === 1 ? Number.POSITIVE_INFINITY : (1 - consequentSupport) / (1 - confidence),
      });
    }
  }
  return rules.sort(
    (a, b) =>
      b.lift - a.lift ||
      b.confidence - a.confidence ||
      b.count - a.count ||
      compareText(a.antecedent.join('\u0000'), b.antecedent.join('\u0000')) ||
      compareText(a.consequent, b.consequent),
  );
}

/** Items as integer codes (each basket's items once), so the tree compares numbers. */
function encode(baskets: readonly Basket[]): { names: string[]; paths: WeightedPath[] } {
  const codes = new Map<string, number>();
  const names: string[] = [];
  const paths = baskets.map((basket) => {
    const items = new Set<number>();
    for (const item of basket.items) {
      let code = codes.get(item);
      if (code === undefined) {
        code = names.length;
        codes.set(item, code);
        names.push(item);
      }
      items.add(code);
    }
    return { items: [...items], count: basket.count };
  });
  return { names, paths };
}

/** The FP-tree of the paths' frequent items, each path's items inserted most frequent first. */
function buildTree(paths: readonly WeightedPath[], minCount: number): FpTree {
  const totals = new Map<number, number>();
  for (const path of paths) {
    for (const item of path.items) totals.set(item, (totals.get(item) ?? 0) + path.count);
  }
  const counts = new Map([...totals].filter(([, count]) => count >= minCount));
  // Most frequent first; ties by code, so that every path orders shared items alike.
  const order = [...counts.keys()].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0) || a - b);
  const rank = new Map(order.map((item, i) => [item, i]));
  const root: FpNode = { item: -1, count: 0, parent: undefined, children: new Map() };
  const nodes = new Map<number, FpNode[]>(order.map((item) => [item, []]));
  for (const path of paths) {
    const items = path.items
      .filter((item) => rank.has(item))
      .sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0));
    let node = root;
    for (const item of items) {
      let child = node.children.get(item);
      if (child === undefined) {
        child = { item, count: 0, parent: node, children: new Map() };
        node.children.set(item, child);
        nodes.get(item)?.push(child);
      }
      child.count += path.count;
      node = child;
    }
  }
  return { items: order.reverse(), counts, nodes };
}

/** Emits `suffix` extended by each frequent item of `tree`, then recurses into that item's conditional tree. */
function mine(
  tree: FpTree,
  suffix: readonly number[],
  options: ItemsetOptions,
  emit: (items: readonly number[], count: number) => void,
): void {
  for (const item of tree.items) {
    const itemset = [item, ...suffix];
    emit(itemset, tree.counts.get(item) ?? 0);
    if (itemset.length >= options.maxLength) continue;
    const prefixes: WeightedPath[] = [];
    for (const node of tree.nodes.get(item) ?? []) {
      const items: number[] = [];
      for (let up = node.parent; up !== undefined && up.item >= 0; up = up.parent) items.push(up.item);
      if (items.length > 0) prefixes.push({ items, count: node.count });
    }
    if (prefixes.length > 0) mine(buildTree(prefixes, options.minCount), itemset, options, emit);
  }
}

/** UTF-16 code unit order, the same in every locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
