// List prices of common OpenAI models in USD per million tokens (input, output), from OpenAI's public
// pricing page as of 2025; a model not listed (a self-hosted or other provider's model) records no cost.
const PER_MILLION: Record<string, { input: number; output: number }> = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
};

export function aiCostUsd(
  model: string,
  provider: string,
  promptTokens: number,
  completionTokens: number,
): number | null {
  if (provider === 'offline') return 0;
  const price = PER_MILLION[model];
  if (!price) return null;
  return Math.round(((promptTokens * price.input + completionTokens * price.output) / 1_000_000) * 1e8) / 1e8;
}
