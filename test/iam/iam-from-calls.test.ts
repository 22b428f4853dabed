// IAM proved from real calls: every AWS SDK call each handler made during the integration and e2e tests
// (recorded by shared/observability/call-recorder.ts into test-results/aws-calls.jsonl) must be granted to
// that function's role, on that resource, by the synthesized templates; and no statement grants `*` actions.
// Runs after the other suites (vitest project group 2; group 1 is the rest), so the record is complete.
import { existsSync, readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionSettings as platformSettings } from '../../shared/function-settings';
import { stepFunctionSettings } from '../../shared/steps/registry';

type FunctionName = string;
const functionSettings: Record<string, readonly string[]> = { ...platformSettings, ...stepFunctionSettings };

import { CALLS_FILE } from '../support/call-record';
import { removeSynthesis, synthesizeApp } from '../support/synth';

interface Call {
  fn: string;
  client: string;
  command: string;
  input: Record<string, unknown>;
}
interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const TABLE = `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/TABLE`;

let roles: Map<FunctionName, Statement[]>;
let allStatements: Statement[];
let outdir: string;

beforeAll(() => {
  const synthesized = synthesizeApp();
  outdir = synthesized.outdir;
  roles = new Map();
  allStatements = [];
  for (const stack of Object.values(synthesized.stacks)) {
    const resources = Template.fromStack(stack).toJSON().Resources as Record<string, Record<string, any>>;
    const policies = Object.values(resources).filter((r) => r.Type === 'AWS::IAM::Policy');
    for (const policy of policies) allStatements.push(...policy.Properties.PolicyDocument.Statement);
    for (const fn of Object.values(resources)) {
      const entry = fn.Metadata?.['recipeflow:entry'] as FunctionName | undefined;
      if (fn.Type !== 'AWS::Lambda::Function' || !entry) continue;
      const role = fn.Properties.Role['Fn::GetAtt'][0] as string;
      roles.set(
        entry,
        policies
          .filter((p) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === role))
          .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]),
      );
    }
  }
}, 180_000);
afterAll(() => removeSynthesis(outdir));

/** The local function name a handler ran as → its entry point (the Metadata of its Lambda). */
function entryOf(functionName: string): FunctionName | undefined {
  const name = functionName.replace(/^recipeflow-/, '');
  const candidates = [
    `api/${name.replace(/^api-/, '')}`,
    `components/${name}`,
    `triggers/${name}`,
    `${name}/${name}`,
    `platform/${name}`,
  ];
  if (!name.startsWith('api-')) candidates.shift();
  return candidates.find((c): c is FunctionName => c in functionSettings);
}

/** A local name or ARN as the cloud's, with generated parts replaced by stable placeholders. */
function canonical(value: string): string {
  return value
    .replace(/arn:aws:dynamodb:[^:]*:[^:]*:table\/[^/]+/, TABLE)
    .replace(/recipeflow-artifacts(-\d+-[a-z0-9-]+)?/, 'ARTIFACTS')
    .replace(/recipeflow-audit(-\d+-[a-z0-9-]+)?/, 'AUDIT')
    .replace(/role\/recipeflow-state-machine$/, 'role/STATE_MACHINE')
    .replace(/role\/recipeflow-scheduler$/, 'role/SCHEDULER');
}

/** What IAM must allow for one call: (action, resource) pairs; resource '*' where the action has none. */
function needs(call: Call): Array<[string, string]> {
  const op = call.command.replace(/Command$/, '');
  const input = call.input as Record<string, string>;
  switch (call.client) {
    case 'DynamoDBClient': {
      const table = TABLE;
      if (op === 'TransactWriteItems' || op === 'TransactGetItems') {
        const kinds: Record<string, string> = {
          Put: 'PutItem',
          Update: 'UpdateItem',
          Delete: 'DeleteItem',
          ConditionCheck: 'ConditionCheckItem',
          Get: 'GetItem',
        };
        return (call.input.TransactItems as Array<{ kind: string }>).map((item) => [
          `dynamodb:${kinds[item.kind]}`,
          table,
        ]);
      }
      return [[`dynamodb:${op}`, input.IndexName ? `${table}/index/${input.IndexName}` : table]];
    }
    case 'S3Client': {
      const bucket = canonical(input.Bucket ?? '');
      const object = `arn:aws:s3:::${bucket}/${input.Key}`;
      const actions: Record<string, [string, string]> = {
        PutObject: ['s3:PutObject', object],
        GetObject: ['s3:GetObject', object],
        HeadObject: ['s3:GetObject', object],
        DeleteObject: ['s3:DeleteObject', object],
        HeadBucket: ['s3:ListBucket', `arn:aws:s3:::${bucket}`],
        ListObjectsV2: ['s3:ListBucket', `arn:aws:s3:::${bucket}`],
      };
      return [actions[op] ?? [`s3:${op}`, `arn:aws:s3:::${bucket}`]];
    }
    case 'SFNClient': {
      if (op === 'CreateStateMachine') {
        return [
          ['states:CreateStateMachine', `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${input.name}`],
          ['iam:PassRole', canonical(input.roleArn ?? '')],
        ];
      }
      if (op === 'StartExecution') return [['states:StartExecution', input.stateMachineArn!]];
      if (input.executionArn) return [[`states:${op}`, input.executionArn]];
      return [[`states:${op}`, '*']];
    }
    case 'BedrockRuntimeClient':
      // Converse is authorised as bedrock:InvokeModel on the foundation model.
      return [['bedrock:InvokeModel', `arn:aws:bedrock:${REGION}::foundation-model/${input.modelId}`]];
    case 'LambdaClient':
      return [[`lambda:${op === 'Invoke' ? 'InvokeFunction' : op}`, input.FunctionName!]];
    case 'SchedulerClient':
      return [
        [
          `scheduler:${op}`,
          `arn:aws:scheduler:${REGION}:${ACCOUNT}:schedule/${input.GroupName}/${input.Name}`,
        ],
        ...(input.TargetRoleArn
          ? [['iam:PassRole', canonical(input.TargetRoleArn)] as [string, string]]
          : []),
      ];
    default:
      return [[`${call.client.replace(/Client$/, '').toLowerCase()}:${op}`, '*']];
  }
}

/** A template resource as a string, intrinsics resolved to the local account and region. */
function resolve(value: unknown): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, any>;
  if (node.Ref === 'AWS::Partition') return 'aws';
  if (node.Ref === 'AWS::Region') return REGION;
  if (node.Ref === 'AWS::AccountId') return ACCOUNT;
  if (node['Fn::Join']) return (node['Fn::Join'][1] as unknown[]).map(resolve).join(node['Fn::Join'][0]);
  const name = String(node.Ref ?? node['Fn::ImportValue'] ?? node['Fn::GetAtt']?.[0] ?? JSON.stringify(node));
  if (/TableCD117FA1Arn|^Table[0-9A-F]{8}$/.test(name)) return TABLE;
  if (/StateMachineRole/.test(name)) return `arn:aws:iam::${ACCOUNT}:role/STATE_MACHINE`;
  if (/SchedulerRole/.test(name)) return `arn:aws:iam::${ACCOUNT}:role/SCHEDULER`;
  return `TOKEN(${name})`;
}

function glob(pattern: string): RegExp {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
}

function allows(statements: Statement[], action: string, resource: string): boolean {
  const matches = (s: Statement) =>
    [s.Action].flat().some((a) => glob(a).test(action)) &&
    (resource === '*' || [s.Resource].flat().some((r) => glob(canonical(resolve(r))).test(resource)));
  const denied = statements.some((s) => s.Effect === 'Deny' && !s.Condition && matches(s));
  return !denied && statements.some((s) => s.Effect === 'Allow' && matches(s));
}

function recordedCalls(): Call[] {
  if (!existsSync(CALLS_FILE)) return [];
  return readFileSync(CALLS_FILE, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Call);
}

describe('IAM from the calls the handlers made', () => {
  it('grants every recorded call to the role of the function that made it, on its resource', () => {
    const calls = recordedCalls();
    const byFunction = new Map<string, number>();
    const missing: string[] = [];
    for (const call of calls) {
      const entry = entryOf(call.fn);
      expect(entry, `a local function with no deployed entry point: ${call.fn}`).toBeDefined();
      byFunction.set(entry!, (byFunction.get(entry!) ?? 0) + 1);
      for (const [action, resource] of needs(call)) {
        const canonicalResource = canonical(resource);
        if (!allows(roles.get(entry!) ?? [], action, canonicalResource)) {
          missing.push(`${entry}: ${action} on ${canonicalResource}`);
        }
      }
    }
    // The record must cover the platform, or this test would pass on nothing.
    expect(byFunction.size, [...byFunction.keys()].join(', ')).toBeGreaterThanOrEqual(20);
    expect([...new Set(missing)]).toEqual([]);
  });

  it('grants no `*` or `service:*` action', () => {
    const wide = allStatements
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) => [s.Action].flat())
      .filter((action) => action === '*' || action.endsWith(':*'));
    expect(wide).toEqual([]);
  });
});
