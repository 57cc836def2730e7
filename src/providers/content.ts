/** Small helpers shared by the adapters for turning ChatMessage content into wire shapes. */
import { ProviderError, type ChatMessage, type ContentPart, type ImagePart } from './types.js';
import { toBase64 } from './http.js';

/** Content as a list of parts (a plain string becomes one text part). */
export function partsOf(content: ChatMessage['content']): ContentPart[] {
  return typeof content === 'string' ? [{ type: 'text', text: content }] : content;
}

/** The text of a message's content, parts joined by newlines, images left out. */
export function textOf(content: ChatMessage['content']): string {
  if (typeof content === 'string') return content;
  return content
    .filter((p): p is Extract<ContentPart, { type: 'text' }> => p.type === 'text')
    .map((p) => p.text)
    .join('\n');
}

export function hasImages(content: ChatMessage['content']): boolean {
  return typeof content !== 'string' && content.some((p) => p.type === 'image');
}

/** An image part's bytes as base64; a URL-only image is an error for protocols that need bytes. */
export function imageBase64(part: ImagePart, provider: string): string {
  if (part.data) return toBase64(part.data);
  if (part.url?.startsWith('data:')) {
    const comma = part.url.indexOf(',');
    if (comma > 0 && part.url.slice(0, comma).endsWith(';base64')) return part.url.slice(comma + 1);
  }
  throw new ProviderError(`${provider}: image parts must carry bytes (data) for this provider; got ${part.url ? 'a URL' : 'neither data nor url'}`, {
    retryable: false,
    code: 'invalid_input',
  });
}

/** An image part as a URL: the given URL, or a data: URL of its bytes. */
export function imageUrl(part: ImagePart, provider: string): string {
  if (part.data) return `data:${part.mediaType};base64,${toBase64(part.data)}`;
  if (part.url) return part.url;
  throw new ProviderError(`${provider}: an image part has neither data nor url`, { retryable: false, code: 'invalid_input' });
}

/** Guess an image's media type from its first bytes (PNG, JPEG, GIF, WebP); fallback given. */
export function sniffImageType(bytes: Uint8Array, fallback = 'image/png'): string {
  const b = bytes;
  if (b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) return 'image/png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'image/jpeg';
  if (b.length >= 4 && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38) return 'image/gif';
  if (b.length >= 12 && b[0] === 0x52 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x46 && b[8] === 0x57 && b[9] === 0x45 && b[10] === 0x42 && b[11] === 0x50) return 'image/webp';
  return fallback;
}

/**
 * Split system messages from the rest and merge consecutive messages of the same role (the
 * Anthropic and Gemini protocols want alternating turns). Returns the joined system text and
 * the merged turns, each as a list of parts.
 */
export function splitSystemAndMerge(messages: ChatMessage[]): { system: string | undefined; turns: { role: 'user' | 'assistant'; parts: ContentPart[] }[] } {
  const systemTexts: string[] = [];
  const turns: { role: 'user' | 'assistant'; parts: ContentPart[] }[] = [];
  for (const m of messages) {
    if (m.role === 'system') {
      systemTexts.push(textOf(m.content));
      continue;
    }
    const parts = partsOf(m.content);
    const last = turns[turns.length - 1];
    if (last && last.role === m.role) last.parts.push(...parts);
    else turns.push({ role: m.role, parts: [...parts] });
  }
  return { system: systemTexts.length ? systemTexts.join('\n\n') : undefined, turns };
}

export function usageOf(input: unknown, output: unknown): { inputTokens?: number; outputTokens?: number } | undefined {
  const u: { inputTokens?: number; outputTokens?: number } = {};
  if (typeof input === 'number') u.inputTokens = input;
  if (typeof output === 'number') u.outputTokens = output;
  return u.inputTokens === undefined && u.outputTokens === undefined ? undefined : u;
}

