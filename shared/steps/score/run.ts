// The `score` component: weighted rules → { score, band, matched }.
import { evaluateCondition } from '../../recipes/condition';
import type { ScoreStep } from '../../recipes/recipe-schema';

export interface ScoreResult {
  score: number;
  band: string | null;
  matched: number[];
}

export function runScore(step: ScoreStep, scope: Record<string, unknown>): ScoreResult {
  let score = 0;
  const matched: number[] = [];
  step.rules.forEach((rule, index) => {
    if (evaluateCondition(rule.when, scope)) {
      score += rule.points;
      matched.push(index);
    }
  });
  const band = [...step.bands].sort((a, b) => b.min - a.min).find((b) => score >= b.min);
  return { score, band: band?.label ?? null, matched };
}
