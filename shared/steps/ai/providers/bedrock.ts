// `bedrock`: Amazon Bedrock's Converse API through the function's own IAM role — no outside key, and the data
// stays in the deployer's account. Structured output is a forced tool call whose input schema is the step's
// outputSchema. Locally, BEDROCK_ENDPOINT points the SDK at a server that speaks the Converse protocol. Its SDK is
// imported by the first call, as the openai provider's is: a function loads only the provider it uses.
import type { BedrockRuntimeClient, ConverseCommandInput } from '@aws-sdk/client-bedrock-runtime';
import { StepFailed, StepRejected } from '../../../components/step-errors';
import { awsClientSettings } from '../../../config';
import { recordCalls } from '../../../observability/call-recorder';
import type { LlmProvider } from './types';

let client: BedrockRuntimeClient | undefined;

export const bedrock = {
  name: 'bedrock',
  description:
    "Amazon Bedrock's Converse API with the function's IAM role (models the deployment enables); tokens and cost recorded.",
  // Bedrock on-demand list prices (us-east-1) as of 2025.
  prices: {
    'amazon.nova-micro-v1:0': { input: 0.035, output: 0.14 },
    'amazon.nova-lite-v1:0': { input: 0.06, output: 0.24 },
    'amazon.nova-pro-v1:0': { input: 0.8, output: 3.2 },
    'anthropic.claude-3-haiku-20240307-v1:0': { input: 0.25, output: 1.25 },
    'anthropic.claude-3-5-haiku-20241022-v1:0': { input: 0.8, output: 4 },
  },
  // In the cloud the role reaches Bedrock; locally only a configured endpoint (a test server) does.
  available: ({ config }) => config.RECIPEFLOW_RUNTIME === 'cloud' || Boolean(config.BEDROCK_ENDPOINT),
  async complete(call, { config }) {
    const enabled = config.BEDROCK_MODELS?.split(',').map((model) => model.trim());
    if (enabled && !enabled.includes(call.model))
      throw new StepRejected(`the Bedrock model ${call.model} is not enabled for this deployment`);
    const { BedrockRuntimeClient, ConverseCommand } = await import('@aws-sdk/client-bedrock-runtime');
    client ??= recordCalls(
      new BedrockRuntimeClient({ ...awsClientSettings(config, config.BEDROCK_ENDPOINT), maxAttempts: 1 }),
    );
    const input: ConverseCommandInput = {
      modelId: call.model,
      messages: call.messages.map((message) => ({
        role: message.role,
        content: [{ text: message.content }],
      })),
      ...(call.system ? { system: [{ text: call.system }] } : {}),
      inferenceConfig: {
        ...(call.temperature === undefined ? {} : { temperature: call.temperature }),
        ...(call.maxTokens === undefined ? {} : { maxTokens: call.maxTokens }),
      },
      ...(call.outputSchema
        ? {
            toolConfig: {
              tools: [
                {
                  toolSpec: {
                    name: 'output',
                    description: 'Return the answer as this JSON object.',
                    inputSchema: { json: call.outputSchema as never },
                  },
                },
              ],
              toolChoice: { tool: { name: 'output' } },
            },
          }
        : {}),
    };
    try {
      const response = await client.send(new ConverseCommand(input), {
        abortSignal: AbortSignal.timeout(call.timeoutMs),
      });
      const content = response.output?.message?.content ?? [];
      const tool = content.find((block) => block.toolUse)?.toolUse;
      const text = content.map((block) => block.text ?? '').join('');
      return {
        content: call.outputSchema && tool ? JSON.stringify(tool.input ?? null) : text,
        usage: {
          promptTokens: response.usage?.inputTokens ?? 0,
          completionTokens: response.usage?.outputTokens ?? 0,
          totalTokens: response.usage?.totalTokens ?? 0,
        },
      };
    } catch (error) {
      const name = (error as Error).name;
      const message = `Bedrock answered ${name}`;
      if (
        [
          'ThrottlingException',
          'ServiceUnavailableException',
          'InternalServerException',
          'ModelNotReadyException',
          'TimeoutError',
          'AbortError',
        ].includes(name)
      )
        throw new StepFailed(message);
      if (error instanceof StepRejected) throw error;
      throw new StepRejected(message);
    }
  },
} as const satisfies LlmProvider<'bedrock'>;
