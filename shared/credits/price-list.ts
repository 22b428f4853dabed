// A run's price list, fixed when it starts (pricing.ts builds it from the step registry): the worst case a start
// reserves and what the end charges. Registry-free, so every path that settles a run can use it cheaply.

export interface PriceList {
  run: number;
  /** The price of each step by id, a map's inner steps included (ids are unique across a recipe). */
  steps: Record<string, number>;
  /** Each map's item cap and inner step ids: what its items may cost. */
  maps?: Record<string, { maxItems: number; steps: string[] }>;
}

/** The worst case a start reserves. */
export function reservation(list: PriceList): number {
  const inner = new Set(Object.values(list.maps ?? {}).flatMap((map) => map.steps));
  let total = list.run;
  for (const [id, price] of Object.entries(list.steps)) if (!inner.has(id)) total += price;
  for (const map of Object.values(list.maps ?? {})) {
    total += map.maxItems * map.steps.reduce((sum, id) => sum + (list.steps[id] ?? 0), 0);
  }
  return total;
}

/**
 * What a run that attempted these steps is charged, never more than it reserved. `attempted` holds step ids
 * as the step records name them: `enrich` for a top-level step, `enrich[3]` for item 3 of a map.
 * `itemAttempts` counts, by inner step id, the items of maps over artifacts that attempted the step (those
 * maps keep counts instead of a record per item).
 */
export function charge(
  list: PriceList,
  reserved: number,
  attempted: Iterable<string>,
  succeeded = false,
  itemAttempts: Record<string, number> = {},
): number {
  const seen = new Set(attempted);
  if (seen.size === 0 && !succeeded) return 0;
  let total = list.run;
  for (const id of seen) total += list.steps[id.replace(/\[\d+\]$/, '')] ?? 0;
  for (const [id, count] of Object.entries(itemAttempts)) total += (list.steps[id] ?? 0) * count;
  return Math.min(total, reserved);
}
