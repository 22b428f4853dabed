// Synthesises the CDK app in-process, as `npm run synth` does (cdk.json's context), into a folder.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildRecipeflow } from '../../infra/recipeflow-app';

export function synthesizeApp() {
  const outdir = mkdtempSync(path.join(tmpdir(), 'recipeflow-cdk-'));
  const { context } = JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: Record<string, unknown> };
  const app = new App({ context, outdir });
  const stacks = buildRecipeflow(app);
  app.synth();
  return { outdir, stacks };
}
