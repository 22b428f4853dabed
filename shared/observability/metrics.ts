// The process's EMF metrics (Powertools Metrics), imported only by the code that measures (step runs, starts,
// settlement, admission): a function that emits none never loads Powertools Metrics. Published after every call
// that added some (observability.ts' observed()); locally they are not printed (POWERTOOLS_METRICS_DISABLED).
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricUnit as Unit } from '@aws-lambda-powertools/metrics/types';
import { afterEveryCall, SERVICE } from './observability';

if (process.env.RECIPEFLOW_RUNTIME !== 'cloud') process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
export const metrics = new Metrics({ namespace: 'Recipeflow', serviceName: SERVICE });

export { MetricUnit };

// Published only when the call added some: Powertools' own flush warns on every call that added none.
afterEveryCall(() => {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
});

/**
 * The instance single metrics are published through, made once: Powertools' singleMetric() builds a new Metrics
 * (its configuration read from the environment again) on every call, and a single metric publishes and clears
 * its dimension in the same addMetric, so one instance serves every call.
 */
let single: Metrics | undefined;

/** A metric with one low-cardinality dimension of its own besides the service (published at once). */
export function measureBy(
  name: string,
  unit: Unit,
  value: number,
  dimension: string,
  dimensionValue: string,
) {
  single ??= metrics.singleMetric();
  single.addDimension(dimension, dimensionValue);
  single.addMetric(name, unit, value);
}

export function countBy(name: string, dimension: string, value: string, amount = 1): void {
  measureBy(name, MetricUnit.Count, amount, dimension, value);
}
