// The `ai` step: one chat call through the provider it names (providers/registry.ts: openai, bedrock), with
// JSON Schema output validated and repaired once; the offline provider answers when none can be reached.
import { type Completion, type CompletionRequest, completeOffline } from '../../components/offline-provider';
import { StepFailed, StepRejected } from '../../components/step-errors';
import { validateJsonSchema } from '../../json-schema';
import type { AiStep } from '../../recipes/recipe-schema';
import { resolveTemplates } from '../../recipes/template';
import { providerOf } from './providers/registry';
import type { LlmProvider, ProviderCall, ProviderContext } from './providers/types';

export const DEFAULT_MODEL = 'gpt-4o-mini';

export interface AiEnvironment extends ProviderContext {
  defaults: { provider?: string; model?: string };
}

export interface AiOutput extends Completion {
  provider: string;
  model: string;
}

/** The provider a step uses: its own, the tenant's default, else openai. */
export function providerName(step: AiStep, defaults: AiEnvironment['defaults']): string {
  return step.provider ?? defaults.provider ?? 'openai';
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
  const name = providerName(step, env.defaults);
  const provider = name === 'offline' ? undefined : providerOf(name);
  if (name !== 'offline' && !provider) throw new StepRejected(`no AI provider "${name}"`);
  if (!provider?.available(env)) {
    if (step.credential)
      throw new StepRejected(`credential "${step.credential}" was given but the provider is offline`);
    return { ...completeOffline(request), provider: 'offline', model: request.model };
  }
  return {
    ...(await completeStructured(provider, step, request, env)),
    provider: name,
    model: request.model,
  };
}

/** One call, and with outputSchema one repair: the model sees its reply and what was wrong with it. */
async function completeStructured(
  provider: LlmProvider,
  step: AiStep,
  request: CompletionRequest,
  env: AiEnvironment,
): Promise<Completion> {
  const messages: ProviderCall['messages'] = [{ role: 'user', content: request.prompt }];
  const usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  for (let attempt = 0; attempt < 2; attempt++) {
    const reply = await provider.complete(
      {
        model: request.model,
        system: request.system,
        messages,
        outputSchema: request.outputSchema,
        temperature: step.temperature,
        maxTokens: step.maxTokens,
        timeoutMs: (step.timeoutSeconds ?? 50) * 1000,
      },
      env,
    );
    usage.promptTokens += reply.usage.promptTokens;
    usage.completionTokens += reply.usage.completionTokens;
    usage.totalTokens += reply.usage.totalTokens;
    if (!request.outputSchema) return { output: { text: reply.content }, usage };
    const problems = checkStructured(reply.content, request.outputSchema);
    if (problems === null) return { output: JSON.parse(reply.content) as unknown, usage };
    messages.push({ role: 'assistant', content: reply.content });
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

function asText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
