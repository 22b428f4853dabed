// Plans: monthly credits, request rate and concurrent runs per plan. What a run costs is in pricing.ts.
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
