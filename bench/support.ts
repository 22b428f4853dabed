// Shared helpers for benchmark scripts: a local runtime in a temp folder, percentiles, result files.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Runtime, startRuntime } from '../infra/local/runtime';

export async function withRuntime<T>(run: (runtime: Runtime) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'recipeflow-bench-'));
  const runtime = await startRuntime({ port: 0, dataDir });
  try {
    return await run(runtime);
  } finally {
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * JSON requests to the local HTTP API with an API key, as a user makes them: the answer's body, or an error when
 * the status is not `expected` (when given) or is 400 or above.
 */
export function apiCaller(baseUrl: string, key: string) {
  return async (method: string, path: string, body?: unknown, expected?: number) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (expected === undefined ? response.status >= 400 : response.status !== expected)
      throw new Error(`${method} ${path}: ${response.status} ${text}`);
    // biome-ignore lint/suspicious/noExplicitAny: the benchmarks read what each route answers
    return text ? (JSON.parse(text) as Record<string, any>) : {};
  };
}

/** The 3-step reference the cost model and the admission benchmark run: two transforms and a score, Express. */
export const referenceRecipe = {
  name: 'reference 3 steps',
  mode: 'express',
  steps: [
    { id: 'a', type: 'transform', source: '{{input}}', ops: [] },
    { id: 'b', type: 'transform', source: '{{steps.a.output}}', ops: [] },
    { id: 'c', type: 'score', rules: [{ when: { path: 'input.x', op: 'exists' }, points: 1 }], bands: [] },
  ],
};

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

export function writeResult(name: string, data: unknown): void {
  mkdirSync('bench/results', { recursive: true });
  writeFileSync(
    path.join('bench/results', `${name}.json`),
    `${JSON.stringify({ at: new Date().toISOString(), ...(data as object) }, null, 2)}\n`,
  );
}

export interface Target {
  figure: string;
  value: number;
  target: string;
  met: boolean | null;
}

/** A figure beside its target: met when it is at most `limit`. */
export function atMost(figure: string, value: number, limit: number): Target {
  return { figure, value, target: `≤ ${limit}`, met: value <= limit };
}

/** A figure beside its target: met when it is at least `limit`. */
export function atLeast(figure: string, value: number, limit: number): Target {
  return { figure, value, target: `≥ ${limit}`, met: value >= limit };
}

/** Prints each figure with its target and whether it is met. */
export function printTargets(targets: Target[]): void {
  console.log('\nTargets:');
  console.table(targets.map((t) => ({ ...t, met: t.met === null ? '' : t.met ? '✔' : '✘' })));
}
