// Every LLM provider an `ai` step may name, one entry each: adding a provider is one module and its line here.
import { bedrock } from './bedrock';
import { openai } from './openai';
import type { LlmProvider } from './types';

function providers<const R extends { [K in keyof R]: LlmProvider<K & string> }>(entries: R): R {
  return entries;
}

export const llmProviders = providers({ openai, bedrock });
export type ProviderName = keyof typeof llmProviders;

export function providerOf(name: string): LlmProvider | undefined {
  return Object.hasOwn(llmProviders, name) ? (llmProviders[name as ProviderName] as LlmProvider) : undefined;
}
