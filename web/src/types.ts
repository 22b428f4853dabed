// The API's shapes as the console reads them (the OpenAPI document at /v1/openapi.json is the contract).
export type Role = 'admin' | 'editor' | 'operator' | 'viewer' | 'platform';

export interface Me {
  tenantId: string;
  role: Role;
  keyId: string;
  plan?: string;
}

export type ExecutionStatus =
  | 'queued'
  | 'running'
  | 'waiting_review'
  | 'succeeded'
  | 'failed'
  | 'cancelled'
  | 'timed_out';

export const executionStatuses: ExecutionStatus[] = [
  'queued',
  'running',
  'waiting_review',
  'succeeded',
  'failed',
  'cancelled',
  'timed_out',
];
export const finished = new Set<ExecutionStatus>(['succeeded', 'failed', 'cancelled', 'timed_out']);

export interface StepAttempt {
  attempt: number;
  status: 'succeeded' | 'failed';
  startedAt: string;
  latencyMs: number;
  error?: { type: string; message: string };
}

export interface StepRecord {
  stepId: string;
  type: string;
  status: 'succeeded' | 'failed' | 'waiting' | 'running';
  attempts: number;
  startedAt: string;
  /** A map over an artifact: its items so far, and its result artifact once it ends. */
  items?: { total: number; succeeded: number; failed: number; artifactId?: string };
  finishedAt?: string;
  latencyMs?: number;
  outputPreview?: string;
  outputBytes?: number;
  error?: { type: string; message: string };
  usage?: {
    model?: string;
    provider?: string;
    promptTokens?: number;
    completionTokens?: number;
    totalTokens?: number;
    costUsd?: number;
  };
  history?: StepAttempt[];
}

export interface Execution {
  id: string;
  recipeId: string;
  version: number;
  status: ExecutionStatus;
  trigger: string;
  engine: string;
  input?: unknown;
  output?: unknown;
  error?: { step?: string; type: string; message: string };
  redriveOf?: string;
  startedBy: string;
  creditsReserved: number;
  creditsCharged?: number;
  totals?: { aiCalls: number; totalTokens: number; costUsd: number | null };
  stepCounts?: { total: number; succeeded: number; failed: number; waiting: number; running?: number };
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  /** While queued: its place in the tenant's admission queue (1 is next). */
  queuePosition?: number;
  omitted?: string[];
  steps?: StepRecord[];
}

export interface Step {
  id: string;
  type: string;
  onError?: unknown;
  steps?: Step[];
  cases?: Array<{ when: unknown; goto: string }>;
  default?: string;
  [field: string]: unknown;
}

export interface RecipeDefinition {
  name: string;
  description?: string;
  agentId?: string;
  mode?: string;
  inputSchema?: JsonSchema;
  steps: Step[];
  output?: unknown;
}

export interface Recipe extends RecipeDefinition {
  id: string;
  version: number;
  engine?: string;
  createdAt: string;
  updatedAt?: string;
}

export interface RecipeVersion {
  recipeId: string;
  version: number;
  engine?: string;
  createdAt: string;
  definition: RecipeDefinition;
}

export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  format?: string;
  description?: string;
  default?: unknown;
  items?: JsonSchema;
  [keyword: string]: unknown;
}

export interface Review {
  id: string;
  executionId: string;
  stepId: string;
  message: string;
  data: unknown;
  status: 'pending' | 'approved' | 'rejected' | 'expired';
  deadline: string;
  createdAt: string;
  decision?: { decision: string; reviewer: string; decidedAt: string; edits: unknown; data: unknown };
  reason?: string;
}

export interface Artifact {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  status: 'pending' | 'uploaded' | 'rejected';
  reason?: string;
  triggerId?: string;
  createdAt: string;
  uploadedAt?: string;
  run?: { triggerId: string; executionId?: string; error?: string };
}

export interface StepType {
  type: string;
  kind: string;
  description: string;
  configSchema: JsonSchema;
  price: number;
  defaults: Record<string, unknown>;
  example: Record<string, unknown>;
}
