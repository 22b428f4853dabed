// What a run costs, in credits: one module for every path that reserves or settles (start, redrive,
// Finalize, the status-change event, the Express log line, cancel). A run's price list is fixed when it
// starts and travels with it (in its state and on its record), so a run that ends after a price change is
// settled at the prices it started with.
//
// - A start reserves the worst case: the run, every top-level step, and each map's inner steps for as many
//   items as the map declares (`maxItems`).
// - The end charges the run and every step attempted (once per step, retries included; inside a map, once per
//   item and step), and refunds the rest. A run that attempted nothing is not charged at all.
// - Control flow is free: a `branch` is a Choice and a `wait` a Wait state, which no component records.
import type { Step } from '../recipes/recipe-schema';
import { stepTypeNames, stepTypes } from '../steps/registry';

/** The price of a run; each step type's price is in its registry entry (shared/steps/<type>/index.ts). */
export const prices = {
  run: 1,
  steps: Object.fromEntries(stepTypeNames.map((type) => [type, stepTypes[type].price])) as Record<
    string,
    number
  >,
};

export interface PriceList {
  run: number;
  /** The price of each step by id, a map's inner steps included (ids are unique across a recipe). */
  steps: Record<string, number>;
  /** Each map's item cap and inner step ids: what its items may cost. */
  maps?: Record<string, { maxItems: number; steps: string[] }>;
}

type PricedStep = Pick<Step, 'id' | 'type'> & { steps?: PricedStep[]; maxItems?: number };

export function priceList(steps: PricedStep[]): PriceList {
  const list: PriceList = { run: prices.run, steps: {}, maps: {} };
  const add = (sequence: PricedStep[]) => {
    for (const step of sequence) {
      list.steps[step.id] = prices.steps[step.type]!;
      if (step.type === 'map' && step.steps) {
        list.maps![step.id] = { maxItems: step.maxItems ?? 0, steps: step.steps.map((inner) => inner.id) };
        add(step.steps);
      }
    }
  };
  add(steps);
  return list;
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
 */
export function charge(
  list: PriceList,
  reserved: number,
  attempted: Iterable<string>,
  succeeded = false,
): number {
  const seen = new Set(attempted);
  if (seen.size === 0 && !succeeded) return 0;
  let total = list.run;
  for (const id of seen) total += list.steps[id.replace(/\[\d+\]$/, '')] ?? 0;
  return Math.min(total, reserved);
}
