// The Step Functions client and its commands, loaded on first use (sfn-sdk.ts) and built from the Deps' config:
// only requests that start, stop, describe or resume runs, or define state machines, load its SDK.
import { awsClientSettings } from '../config';
import type { Deps } from '../deps';
import { recordCalls } from '../observability/call-recorder';

export type SfnSdk = typeof import('./sfn-sdk');

/** The process's Step Functions client (`client`, or the one a test gave the Deps) beside the SDK's commands. */
export async function sfnOf(deps: Deps): Promise<SfnSdk & { client: NonNullable<Deps['sfn']> }> {
  const sdk = await import('./sfn-sdk');
  deps.sfn ??= recordCalls(new sdk.SFNClient(awsClientSettings(deps.config, deps.config.SFN_ENDPOINT)));
  return { ...sdk, client: deps.sfn };
}
