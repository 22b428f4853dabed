// Transitions per run of each built-in recipe and a 3-step reference recipe, counted by the local Step
// Functions endpoint (states entered + retries, as Standard bills them).
import { DEMO_TENANT_ID } from '../infra/local/seed';
import { createDeps } from '../shared/deps';
import { startExecution, waitForExecution } from '../shared/executions/start-execution';
import { builtinRecipes } from '../shared/recipes/builtin-recipes';
import { createRecipe } from '../shared/recipes/recipes';
import { withRuntime, writeResult } from './support';

const inputs: Record<string, unknown> = {
  rcp_lead_discovery: { query: 'logistics' },
  rcp_lead_intelligence: { domain: 'acme-logistics.example' },
  rcp_outreach_personalization: {
    domain: 'ivy-health.example',
    contactName: 'Ada',
    contactEmail: 'ada@ivy-health.example',
  },
};

await withRuntime(async (runtime) => {
  const deps = createDeps();
  const reference = await createRecipe(deps, DEMO_TENANT_ID, {
    name: 'reference 3 steps',
    steps: [
      { id: 'a', type: 'transform', source: '{{input}}', ops: [] },
      { id: 'b', type: 'transform', source: '{{steps.a.output}}', ops: [] },
      { id: 'c', type: 'score', rules: [{ when: { path: 'input.x', op: 'exists' }, points: 1 }], bands: [] },
    ],
  });
  const cases = [
    ...builtinRecipes.map((r) => ({
      id: r.id,
      name: r.definition.name,
      steps: r.definition.steps.length,
      input: inputs[r.id],
    })),
    { id: reference.id, name: reference.name, steps: 3, input: { x: 1 } },
  ];
  const rows = [];
  for (const c of cases) {
    const started = await startExecution(deps, {
      tenantId: DEMO_TENANT_ID,
      recipeId: c.id,
      input: c.input,
      trigger: 'api',
      actor: { id: 'bench', role: 'operator' },
    });
    const done = await waitForExecution(deps, DEMO_TENANT_ID, started.id, 30_000);
    await runtime.idle();
    rows.push({
      recipe: c.name,
      steps: c.steps,
      status: done.status,
      transitions: runtime.transitions(done.executionArn!),
    });
  }
  console.log('\nState transitions per run (target: steps + 1):');
  console.table(rows);
  writeResult('transitions', { rows });
});
