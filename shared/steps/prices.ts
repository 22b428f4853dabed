// Each step type's price (credits per attempt; inside a map, per item), without the step registry: the
// functions that start and settle runs price them and bundle no schema. Each is its registry entry's `price`
// (the same constant, from the type's runtime.ts; a unit test holds the two tables alike).
import { price as ai } from './ai/runtime';
import { price as branch } from './branch/runtime';
import { price as correspond } from './correspond/runtime';
import { price as http } from './http/runtime';
import { price as map } from './map/runtime';
import { price as review } from './review/runtime';
import { price as score } from './score/runtime';
import { price as state } from './state/runtime';
import { price as transform } from './transform/runtime';
import { price as wait } from './wait/runtime';

export const stepPrices: Record<string, number> = {
  http,
  ai,
  transform,
  score,
  state,
  correspond,
  review,
  branch,
  wait,
  map,
};
