// What a new tenant's body may hold (POST /v1/tenants); apart from onboarding.ts, which installs the example
// recipes and so reaches the recipe schema, so that the tenants function loads that only to onboard a tenant.
import * as z from 'zod/mini';
import { planIds } from '../credits/plans';

export const onboardingSchema = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(200)),
  plan: z._default(z.enum(planIds), 'free'),
  withExamples: z._default(z.boolean(), false),
});

export type OnboardingInput = z.input<typeof onboardingSchema>;
