// Synthesises the CDK app in-process, as `npm run synth` does (cdk.json's context), into a folder.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildRecipeflow } from '../../infra/recipeflow-app';
import { removeFunctionBuilds } from '../../infra/stacks/bundled-function';

export function synthesizeApp() {
  const outdir = mkdtempSync(path.join(tmpdir(), 'recipeflow-cdk-'));
  const { context } = JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: Record<string, unknown> };
  const app = new App({ context, outdir });
  const stacks = buildRecipeflow(app);
  app.synth();
  return { outdir, stacks };
}

/** Removes a synthesis and the function builds it staged from (a test worker ends by a signal, not an exit). */
export function removeSynthesis(outdir: string) {
  rmSync(outdir, { recursive: true, force: true });
  removeFunctionBuilds();
}
