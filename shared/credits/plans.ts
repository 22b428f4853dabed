// Plans and the price table: monthly credits, request rate and concurrent runs per plan; credits per step.
export const planIds = ['free', 'starter', 'pro', 'enterprise'] as const;
export type PlanId = (typeof planIds)[number];

export interface Plan {
  id: PlanId;
  name: string;
  monthlyCredits: number;
  /** Requests per second per tenant, across the API. */
  requestsPerSecond: number;
  /** Executions running at once per tenant. */
  concurrentExecutions: number;
}

export const plans: Record<PlanId, Plan> = {
  free: { id: 'free', name: 'Free', monthlyCredits: 100, requestsPerSecond: 5, concurrentExecutions: 2 },
  starter: {
    id: 'starter',
    name: 'Starter',
    monthlyCredits: 2_000,
    requestsPerSecond: 20,
    concurrentExecutions: 10,
  },
  pro: { id: 'pro', name: 'Pro', monthlyCredits: 20_000, requestsPerSecond: 50, concurrentExecutions: 50 },
  enterprise: {
    id: 'enterprise',
    name: 'Enterprise',
    monthlyCredits: 250_000,
    requestsPerSecond: 200,
    concurrentExecutions: 500,
  },
};

/** Credits per run and per step by type; a start reserves the whole recipe, the end refunds steps that never ran. */
export const prices = {
  run: 1,
  steps: {
    http: 1,
    ai: 5,
    transform: 1,
    score: 1,
    wait: 1,
    branch: 0,
    map: 1,
    correspond: 2,
    review: 1,
  } as Record<string, number>,
};

/** The price of each step, by step id. */
export function stepPrices(steps: Array<{ id: string; type: string }>): Record<string, number> {
  return Object.fromEntries(steps.map((step) => [step.id, prices.steps[step.type] ?? 1]));
}

/** What a run of these steps reserves: the run and every step. */
export function estimateCost(steps: Array<{ id: string; type: string }>): number {
  return Object.values(stepPrices(steps)).reduce((sum, price) => sum + price, prices.run);
}
