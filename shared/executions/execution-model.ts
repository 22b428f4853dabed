// Shapes of an execution run: the stored record, its per-step records and the state a state machine carries.
import type { PriceList } from '../credits/price-list';

export const executionStatuses = [
  'queued',
  'running',
  'waiting_review',
  'succeeded',
  'failed',
  'cancelled',
  'timed_out',
] as const;
export type ExecutionStatus = (typeof executionStatuses)[number];
export const terminalStatuses: ReadonlySet<ExecutionStatus> = new Set([
  'succeeded',
  'failed',
  'cancelled',
  'timed_out',
]);

export type Trigger = 'api' | 'schedule' | 'upload' | 'redrive';

export interface ExecutionError {
  step?: string;
  type: string;
  message: string;
}

export interface ExecutionRecord {
  id: string;
  recipeId: string;
  version: number;
  status: ExecutionStatus;
  trigger: Trigger;
  engine: 'STANDARD' | 'EXPRESS';
  input: unknown;
  output?: unknown;
  error?: ExecutionError;
  executionArn?: string;
  /** For a redrive: the failed execution it continues. */
  redriveOf?: string;
  /** Who started it (API key id, JWT subject, or the trigger). */
  startedBy: string;
  /** Their role: the audit event of the start names it. */
  startedByRole?: string;
  creditsReserved: number;
  creditsCharged?: number;
  /** The prices the run started with: every way it ends is settled at these. */
  prices?: PriceList;
  /** AI usage summed over the run's steps, written when the run ends. */
  totals?: ExecutionTotals;
  /** Step records by status (map items included), written when the run ends. */
  stepCounts?: StepCounts;
  createdAt: string;
  /** When its workflow started: for a run that was queued, when it was admitted. */
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  /** While queued: its place in the tenant's admission queue, 1 first (computed when read, never stored). */
  queuePosition?: number;
}

export interface ExecutionTotals {
  aiCalls: number;
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
  /** Null when a model without a known price was used. */
  costUsd: number | null;
}

export interface StepCounts {
  total: number;
  succeeded: number;
  failed: number;
  waiting: number;
  running: number;
}

export interface StepRecord {
  stepId: string;
  type: string;
  /** `running`: a map over an artifact whose items are being processed. */
  status: 'succeeded' | 'failed' | 'waiting' | 'running';
  attempts: number;
  startedAt: string;
  finishedAt: string;
  latencyMs: number;
  outputPreview?: string;
  /** Set when the preview is cut short: the whole output's size, kept in S3 and read on demand. */
  outputBytes?: number;
  error?: { type: string; message: string };
  /** Every finished attempt, oldest first (written by the same update as the record, so it costs no write). */
  history?: StepAttempt[];
  /** A map over an artifact: its items so far (progress while it runs), and its result artifact at the end. */
  items?: { total: number; succeeded: number; failed: number; artifactId?: string };
  /** A map over an artifact: how many items attempted each inner step (what the items are charged). */
  itemSteps?: Record<string, number>;
  usage?: {
    model?: string;
    provider?: string;
    promptTokens?: number;
    completionTokens?: number;
    totalTokens?: number;
    costUsd?: number;
  };
}

export interface StepAttempt {
  attempt: number;
  status: 'succeeded' | 'failed';
  startedAt: string;
  latencyMs: number;
  error?: { type: string; message: string };
}

/** What every state of a recipe's state machine receives as `$`. */
export interface RunState {
  input: unknown;
  steps: Record<string, { output?: unknown; error?: unknown }>;
  failures?: Record<string, { Error?: string; Cause?: string }>;
  settings: Record<string, unknown>;
  /** `test`: one step tried on its own (POST /v1/steps/test), recorded nowhere. */
  execution: { id: string; startedAt: string; test?: boolean };
  /** Inside a map iteration: the current item and its index. */
  item?: unknown;
  index?: number;
  /** Inside a map iteration: the map's item cap, which its reservation covers. */
  maxItems?: number;
  run: {
    tenantId: string;
    recipeId: string;
    version: number;
    httpAllowList: string[];
    ai: { provider?: string; model?: string };
    /** Credits reserved at start and the prices fixed then, so the end can refund what never ran. */
    credits: { reserved: number } & PriceList;
  };
}

/** The Step Functions execution name of a run: its tenant and id, so a log line alone leads back to it. */
export function executionName(tenantId: string, executionId: string): string {
  return `${tenantId}.${executionId}`;
}

/** The tenant and execution an execution name stands for, or null for a name this platform did not give. */
export function parseExecutionName(name: string): { tenantId: string; executionId: string } | null {
  const match = /^(.+)\.(exe_[a-z0-9]+)$/.exec(name);
  return match ? { tenantId: match[1]!, executionId: match[2]! } : null;
}
