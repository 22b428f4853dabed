// The Step Functions client, built on first use from the Deps' config (only functions that start, stop or
// define state machines bundle it).
import { SFNClient } from '@aws-sdk/client-sfn';
import { awsClientSettings } from '../config';
import type { Deps } from '../deps';
import { recordCalls } from '../observability/call-recorder';

export function sfnOf(deps: Deps): SFNClient {
  deps.sfn ??= recordCalls(new SFNClient(awsClientSettings(deps.config, deps.config.SFN_ENDPOINT)));
  return deps.sfn;
}
