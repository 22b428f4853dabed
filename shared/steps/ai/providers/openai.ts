// `openai`: any OpenAI-compatible chat completions endpoint (OpenAI, Groq, Ollama, vLLM), through the openai
// SDK; structured output with response_format json_schema. The SDK (~385 KB) is imported by the first call, not
// at start-up: a deployment whose ai steps use Bedrock or the offline provider never loads it (the deployed
// bundle keeps it in a chunk of its own, infra/stacks/bundling.ts).
import type OpenAI from 'openai';
import { StepFailed, StepRejected } from '../../../components/step-errors';
import type { LlmProvider } from './types';

export const openai = {
  name: 'openai',
  description:
    'Any OpenAI-compatible endpoint (OpenAI, Groq, Ollama, vLLM): the platform key, or an openai credential.',
  credentialType: 'openai',
  // OpenAI's public list prices as of 2025.
  prices: {
    'gpt-4o-mini': { input: 0.15, output: 0.6 },
    'gpt-4o': { input: 2.5, output: 10 },
    'gpt-4.1': { input: 2, output: 8 },
    'gpt-4.1-mini': { input: 0.4, output: 1.6 },
    'gpt-4.1-nano': { input: 0.1, output: 0.4 },
    'o4-mini': { input: 1.1, output: 4.4 },
  },
  available: (context) => Boolean(context.apiKey),
  async complete(call, context) {
    const { default: OpenAISdk } = await import('openai');
    const client = new OpenAISdk({
      apiKey: context.apiKey,
      baseURL: context.baseUrl,
      maxRetries: 0,
      timeout: call.timeoutMs,
    });
    const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [];
    if (call.system) messages.push({ role: 'system', content: call.system });
    messages.push(...call.messages);
    try {
      const completion = await client.chat.completions.create({
        model: call.model,
        messages,
        ...(call.temperature === undefined ? {} : { temperature: call.temperature }),
        ...(call.maxTokens === undefined ? {} : { max_tokens: call.maxTokens }),
        ...(call.outputSchema
          ? {
              response_format: {
                type: 'json_schema',
                json_schema: { name: 'output', schema: call.outputSchema },
              },
            }
          : {}),
      });
      return {
        content: completion.choices[0]?.message.content ?? '',
        usage: {
          promptTokens: completion.usage?.prompt_tokens ?? 0,
          completionTokens: completion.usage?.completion_tokens ?? 0,
          totalTokens: completion.usage?.total_tokens ?? 0,
        },
      };
    } catch (error) {
      if (error instanceof OpenAISdk.APIError) {
        const status = error.status ?? 0;
        const message = `the AI provider answered ${status || 'with an error'}`;
        throw status === 0 || status === 408 || status === 429 || status >= 500
          ? new StepFailed(message)
          : new StepRejected(message);
      }
      throw new StepFailed('the AI provider could not be reached');
    }
  },
} as const satisfies LlmProvider<'openai'>;
