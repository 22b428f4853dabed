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
// This module builds a recipe's price list from the step types' prices (steps/runtimes.ts); price-list.ts reserves and charges by it
// (without the registry, so functions that only settle runs do not bundle every step type).
import type { Step } from '../recipes/recipe-schema';
import { stepPrices } from '../steps/runtimes';
import type { PriceList } from './price-list';

/** The price of a run; each step type's price is in its registry entry (shared/steps/<type>/runtime.ts). */
export const prices = {
  run: 1,
  steps: stepPrices,
};

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
