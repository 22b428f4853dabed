// Stands in for the AWS SDK's default credential chain in deployed bundles (the esbuild alias in
// infra/stacks/bundling.ts). Lambda hands a function its execution role's credentials in the environment
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), the first place the default chain looks; the
// rest of the chain (SSO, profiles, web identity, IMDS) is never reached there and is ~130 KB of every bundle.
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) => fromEnv(init);
