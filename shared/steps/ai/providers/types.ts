// What an LLM provider declares (see registry.ts): how one chat call is made, and its models' list prices.
import type { Config } from '../../../config';

export interface ProviderCall {
  model: string;
  system?: string;
  messages: Array<{ role: 'user' | 'assistant'; content: string }>;
  /** When set, the reply's content must be JSON text matching it (the caller validates and repairs once). */
  outputSchema?: Record<string, unknown>;
  temperature?: number;
  maxTokens?: number;
  timeoutMs: number;
}

export interface ProviderReply {
  /** The reply's text; with outputSchema, the structured output as JSON text. */
  content: string;
  usage: { promptTokens: number; completionTokens: number; totalTokens: number };
}

export interface ProviderContext {
  config: Config;
  /** An `openai` credential's key and base URL, or the platform's own (OPENAI_API_KEY, OPENAI_BASE_URL). */
  apiKey?: string;
  baseUrl?: string;
}

export interface LlmProvider<N extends string = string> {
  name: N;
  description: string;
  /** The credential type a step's `credential` must be, if this provider takes one. */
  credentialType?: 'openai';
  /** List prices in USD per million tokens; a model not listed records no cost. */
  prices: Record<string, { input: number; output: number }>;
  /** False when the provider cannot be reached from here (no key; locally, no endpoint): the offline provider answers. */
  available: (context: ProviderContext) => boolean;
  complete: (call: ProviderCall, context: ProviderContext) => Promise<ProviderReply>;
}
