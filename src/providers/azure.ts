/**
 * Azure OpenAI chat completions: azure:DEPLOYMENT.
 * POST {AZURE_OPENAI_ENDPOINT}/openai/deployments/{deployment}/chat/completions?api-version=...
 * with the api-key header. Body and parsing are the OpenAI adapter's; Azure's content filter
 * (finish_reason content_filter, or HTTP 400 code content_filter with an innererror) is a 'policy' result.
 */
import { UserInputError, type ChatMessage, type ChatParams, type ChatProvider, type ChatResult, type ModelSpec, type ProviderFactory, type ProviderOptions } from './types.js';
import { checkBaseUrl, envVar, joinUrl, type HttpRequest } from './http.js';
import { openAIChatBody, openAICompatibleChat } from './openai.js';

/** A recent GA api-version, used when OPENAI_API_VERSION is not set. */
export const AZURE_DEFAULT_API_VERSION = '2024-10-21';

class AzureChat implements ChatProvider {
  readonly kind = 'chat' as const;
  private readonly url: string;
  private readonly apiKey: string;
  constructor(
    readonly id: string,
    deployment: string,
    private readonly opts: ProviderOptions,
  ) {
    const env = opts.env;
    const endpoint = envVar(env, 'AZURE_OPENAI_ENDPOINT');
    if (!endpoint) {
      throw new UserInputError('azure: AZURE_OPENAI_ENDPOINT is not set; set it to your resource URL, e.g. https://my-resource.openai.azure.com');
    }
    checkBaseUrl('AZURE_OPENAI_ENDPOINT', endpoint);
    const apiKey = envVar(env, 'AZURE_OPENAI_API_KEY');
    if (!apiKey) throw new UserInputError('azure: AZURE_OPENAI_API_KEY is not set; set it to a key of your Azure OpenAI resource');
    this.apiKey = apiKey;
    const version = envVar(env, 'OPENAI_API_VERSION') ?? AZURE_DEFAULT_API_VERSION;
    this.url = `${joinUrl(endpoint, `/openai/deployments/${encodeURIComponent(deployment)}/chat/completions`)}?api-version=${encodeURIComponent(version)}`;
  }

  async chat(messages: ChatMessage[], params: ChatParams, signal: AbortSignal): Promise<ChatResult> {
    const req: HttpRequest = {
      provider: 'azure',
      url: this.url,
      headers: { 'api-key': this.apiKey },
      body: openAIChatBody(undefined, messages, params, { provider: 'azure' }),
      signal,
      timeoutMs: this.opts.timeoutMs,
      secrets: [this.apiKey],
    };
    return openAICompatibleChat(req, 'check AZURE_OPENAI_API_KEY and AZURE_OPENAI_ENDPOINT');
  }
}

export const azureFactory: ProviderFactory = {
  prefix: 'azure',
  kind: 'chat',
  description: 'Azure OpenAI chat completions on a deployment (azure:DEPLOYMENT)',
  env: ['AZURE_OPENAI_API_KEY', 'AZURE_OPENAI_ENDPOINT', 'OPENAI_API_VERSION'],
  create(spec: ModelSpec, opts: ProviderOptions): ChatProvider {
    const deployment = spec.name.trim();
    if (!deployment) throw new UserInputError(`azure: no deployment name in "${spec.raw}"; e.g. azure:my-gpt-4o-deployment`);
    return new AzureChat(spec.raw, deployment, opts);
  },
};
