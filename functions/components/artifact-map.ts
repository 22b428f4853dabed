// The two ends of a map over an artifact (prepare: find and count the file; collect: write the result artifact),
// in a function of their own: they read and write whole files, so they get the memory and time for it
// (infra/stacks/workflows-stack.ts) without making every run's Finalize bigger.
import middy from '@middy/core';
import { getDeps } from '../../shared/deps';
import { type ArtifactMapEvent, runArtifactMap } from '../../shared/executions/artifact-map';
import { checkFunctionSettings } from '../../shared/function-settings';
import { observed } from '../../shared/observability/observability';

checkFunctionSettings('components/artifact-map');

export const handler = middy<ArtifactMapEvent, unknown>()
  .use(observed())
  .handler((event) => runArtifactMap(getDeps(), event));
