// Assembles the cloud topology; `infra/app.ts` synthesises it and the CDK test builds it in-process.
import { type App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ApiStack } from './stacks/api-stack';
import { BootstrapStack } from './stacks/bootstrap-stack';
import { DataStack } from './stacks/data-stack';
import { ObservabilityStack } from './stacks/observability-stack';
import { TriggersStack } from './stacks/triggers-stack';
import { WebStack } from './stacks/web-stack';
import { WorkflowsStack } from './stacks/workflows-stack';

export function buildRecipeflow(app: App) {
  const prefix = (app.node.tryGetContext('prefix') as string | undefined) ?? 'recipeflow';
  const data = new DataStack(app, 'RecipeflowData', { prefix });
  const workflows = new WorkflowsStack(app, 'RecipeflowWorkflows', {
    table: data.table,
    dataKey: data.key,
    prefix,
  });
  // `cdk synth -c auditBatchingWindowSeconds=0` chains audit events as soon as the stream delivers them.
  const auditWindow = app.node.tryGetContext('auditBatchingWindowSeconds') as string | number | undefined;
  const triggers = new TriggersStack(app, 'RecipeflowTriggers', {
    table: data.table,
    dataKey: data.key,
    prefix,
    executionLogs: workflows.executionLogs,
    ...(auditWindow === undefined ? {} : { auditBatchingWindowSeconds: Number(auditWindow) }),
  });
  const api = new ApiStack(app, 'RecipeflowApi', {
    table: data.table,
    dataKey: data.key,
    prefix,
    stateMachineRole: workflows.stateMachineRole,
    componentArnPrefix: workflows.componentArnPrefix,
    executionLogGroupArn: workflows.executionLogs.logGroupArn,
    scheduling: {
      group: triggers.scheduleGroup.ref,
      targetArn: triggers.scheduleTarget.functionArn,
      roleArn: triggers.schedulerRole.roleArn,
      deadLetterArn: triggers.scheduleDeadLetters.queueArn,
      role: triggers.schedulerRole,
    },
  });
  const bootstrap = new BootstrapStack(app, 'RecipeflowBootstrap', { table: data.table, prefix });
  const observability = new ObservabilityStack(app, 'RecipeflowObservability', {
    api: api.api,
    table: data.table,
    watched: [workflows, triggers, api, bootstrap],
  });
  const web = new WebStack(app, 'RecipeflowWeb', { apiUrl: api.api.apiEndpoint, artifacts: data.artifacts });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { data, workflows, api, triggers, bootstrap, observability, web };
}
