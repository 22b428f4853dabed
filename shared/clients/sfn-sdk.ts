// What the platform uses of Step Functions' SDK. Imported only by sfn.ts's dynamic import, never statically: a
// function loads the client when a request first starts, stops, describes or resumes a run (or defines a state
// machine), not at every cold start: the executions function's reads never do (infra/stacks/bundling.ts).
export {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
