// What an `ai` call cost, in USD, from its provider's list prices; null for a model without a known price.
import { providerOf } from './providers/registry';

export function aiCostUsd(
  model: string,
  provider: string,
  promptTokens: number,
  completionTokens: number,
): number | null {
  if (provider === 'offline') return 0;
  const price = providerOf(provider)?.prices[model];
  if (!price) return null;
  return Math.round(((promptTokens * price.input + completionTokens * price.output) / 1_000_000) * 1e8) / 1e8;
}
