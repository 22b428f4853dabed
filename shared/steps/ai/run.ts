// The `ai` component: one chat completion through the openai SDK (any OpenAI-compatible endpoint), with
// JSON Schema output validated and repaired once; the offline provider answers when no key is configured.
import OpenAI from 'openai';
import { type Completion, type CompletionRequest, completeOffline } from '../../components/offline-provider';
import { StepFailed, StepRejected } from '../../components/step-errors';
import type { AiStep } from '../../recipes/recipe-schema';
import { resolveTemplates } from '../../recipes/template';
import { validateJsonSchema } from '../../validation';

export const DEFAULT_MODEL = 'gpt-4o-mini';

export interface AiEnvironment {
  apiKey?: string;
  baseURL?: string;
  defaults: { provider?: string; model?: string };
}

export interface AiOutput extends Completion {
  provider: string;
  model: string;
}

export async function runAi(
  step: AiStep,
  scope: Record<string, unknown>,
  env: AiEnvironment,
): Promise<AiOutput> {
  const request: CompletionRequest = {
    model: step.model ?? env.defaults.model ?? DEFAULT_MODEL,
    system: step.system === undefined ? undefined : asText(resolveTemplates(step.system, scope)),
    prompt: asText(resolveTemplates(step.prompt, scope)),
    outputSchema: step.outputSchema,
  };
  const provider = step.provider ?? env.defaults.provider ?? 'openai';
  if (provider === 'offline' || !env.apiKey) {
    if (step.credential)
      throw new StepRejected(`credential "${step.credential}" was given but the provider is offline`);
    return { ...completeOffline(request), provider: 'offline', model: request.model };
  }
  const client = new OpenAI({
    apiKey: env.apiKey,
    baseURL: env.baseURL,
    maxRetries: 0,
    timeout: (step.timeoutSeconds ?? 50) * 1000,
  });
  return { ...(await completeWithOpenAi(client, step, request)), provider, model: request.model };
}

async function completeWithOpenAi(
  client: OpenAI,
  step: AiStep,
  request: CompletionRequest,
): Promise<Completion> {
  const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [];
  if (request.system) messages.push({ role: 'system', content: request.system });
  messages.push({ role: 'user', content: request.prompt });
  const usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  for (let attempt = 0; attempt < 2; attempt++) {
    const completion = await callOpenAi(client, {
      model: request.model,
      messages,
      ...(step.temperature === undefined ? {} : { temperature: step.temperature }),
      ...(step.maxTokens === undefined ? {} : { max_tokens: step.maxTokens }),
      ...(request.outputSchema
        ? {
            response_format: {
              type: 'json_schema',
              json_schema: { name: 'output', schema: request.outputSchema },
            },
          }
        : {}),
    });
    usage.promptTokens += completion.usage?.prompt_tokens ?? 0;
    usage.completionTokens += completion.usage?.completion_tokens ?? 0;
    usage.totalTokens += completion.usage?.total_tokens ?? 0;
    const content = completion.choices[0]?.message.content ?? '';
    if (!request.outputSchema) return { output: { text: content }, usage };
    const problems = checkStructured(content, request.outputSchema);
    if (problems === null) return { output: JSON.parse(content) as unknown, usage };
    // One repair attempt: show the model its reply and what was wrong with it.
    messages.push({ role: 'assistant', content });
    messages.push({
      role: 'user',
      content: `That reply did not match the JSON Schema: ${problems}. Reply with corrected JSON only.`,
    });
  }
  throw new StepFailed('the model did not return output matching outputSchema after one repair attempt');
}

function checkStructured(content: string, schema: Record<string, unknown>): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch {
    return 'it is not valid JSON';
  }
  const errors = validateJsonSchema(schema, parsed, '');
  return errors.length === 0 ? null : errors.map((e) => `${e.path || '(root)'} ${e.message}`).join('; ');
}

async function callOpenAi(client: OpenAI, body: OpenAI.Chat.ChatCompletionCreateParamsNonStreaming) {
  try {
    return await client.chat.completions.create(body);
  } catch (error) {
    if (error instanceof OpenAI.APIError) {
      const status = error.status ?? 0;
      const message = `the AI provider answered ${status || 'with an error'}`;
      throw status === 0 || status === 408 || status === 429 || status >= 500
        ? new StepFailed(message)
        : new StepRejected(message);
    }
    throw new StepFailed('the AI provider could not be reached');
  }
}

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
