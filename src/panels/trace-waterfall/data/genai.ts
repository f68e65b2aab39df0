import { KeyFlag, keyFlags, spanEvents, spanTags, tagValue } from './spans';
import type { Span, TraceTree } from './types';
import { formatValue, toNumber, toText, type KeyValue } from './values';

/*
 * GenAI spans, read with the current OpenTelemetry GenAI names and the older
 * ones instrumentations still send (OpenLLMetry's llm.* and gen_ai.prompt.N.*,
 * gen_ai.system, gen_ai.usage.prompt_tokens). Current names win.
 */

export type GenAiRole = 'llm' | 'embeddings' | 'tool' | 'agent' | 'workflow' | 'retrieval';

export interface GenAiSpan {
  role: GenAiRole;
  operation?: string;
  requestModel?: string;
  responseModel?: string;
  provider?: string;
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cacheReadTokens?: number;
  reasoningTokens?: number;
  /** Time to first token in milliseconds. */
  timeToFirstTokenMs?: number;
  finishReasons?: string[];
  toolName?: string;
  agentName?: string;
  streaming?: boolean;
  /** Attempt number when the span is a retry (1 = first retry). */
  retryAttempt?: number;
  errorType?: string;
  /** Older attribute names that were read, to show which convention the data follows. */
  legacyKeys: string[];
}

const KEYS = {
  operation: ['gen_ai.operation.name'],
  legacyOperation: ['llm.request.type'],
  traceloopKind: ['traceloop.span.kind'],
  requestModel: ['gen_ai.request.model', 'llm.request.model'],
  responseModel: ['gen_ai.response.model', 'llm.response.model'],
  provider: ['gen_ai.provider.name', 'gen_ai.system', 'llm.vendor'],
  inputTokens: ['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens', 'llm.usage.prompt_tokens'],
  outputTokens: ['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens', 'llm.usage.completion_tokens'],
  totalTokens: ['gen_ai.usage.total_tokens', 'llm.usage.total_tokens'],
  cacheReadTokens: ['gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens'],
  reasoningTokens: [
    'gen_ai.usage.reasoning.output_tokens',
    'gen_ai.usage.reasoning_tokens',
    'llm.usage.reasoning_tokens',
  ],
  /** Seconds. */
  timeToFirstToken: ['gen_ai.server.time_to_first_token', 'gen_ai.response.time_to_first_chunk'],
  finishReasons: ['gen_ai.response.finish_reasons', 'gen_ai.response.finish_reason', 'llm.response.finish_reason'],
  toolName: ['gen_ai.tool.name'],
  agentName: ['gen_ai.agent.name'],
  streaming: ['gen_ai.request.stream', 'gen_ai.is_streaming', 'llm.is_streaming'],
  retry: ['http.request.resend_count', 'retry.attempt', 'retry_attempt'],
  errorType: ['error.type'],
} as const;

/** Names replaced by newer conventions, reported so users know what their instrumentation sends. */
const LEGACY = new Set<string>([
  'llm.request.type',
  'llm.request.model',
  'llm.response.model',
  'gen_ai.system',
  'llm.vendor',
  'gen_ai.usage.prompt_tokens',
  'gen_ai.usage.completion_tokens',
  'llm.usage.prompt_tokens',
  'llm.usage.completion_tokens',
  'llm.usage.total_tokens',
  'llm.is_streaming',
  'llm.response.finish_reason',
]);

/** Events whose first occurrence marks the first streamed token (OpenLLMetry). */
const CHUNK_EVENTS = new Set([
  'llm.content.completion.chunk',
  'gen_ai.completion.chunk',
  'gen_ai.content.completion.chunk',
]);

function firstKey(tags: readonly KeyValue[], keys: readonly string[]): { key: string; value: unknown } | undefined {
  for (const key of keys) {
    for (let i = 0; i < tags.length; i++) {
      if (tags[i].key === key && tags[i].value !== null && tags[i].value !== undefined && tags[i].value !== '') {
        return tags[i];
      }
    }
  }
  return undefined;
}

function stringList(value: unknown): string[] | undefined {
  if (Array.isArray(value)) {
    return value.map((v) => formatValue(v));
  }
  const text = toText(value);
  if (!text) {
    return undefined;
  }
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) {
        return parsed.map((v) => formatValue(v));
      }
    } catch {
      // fall through: a plain string that starts with a bracket
    }
  }
  return [text];
}

function roleOf(
  operation: string | undefined,
  legacyType: string | undefined,
  traceloopKind: string | undefined
): GenAiRole | undefined {
  switch (operation) {
    case 'chat':
    case 'text_completion':
    case 'generate_content':
    case 'completion':
      return 'llm';
    case 'embeddings':
    case 'embedding':
      return 'embeddings';
    case 'execute_tool':
      return 'tool';
    case 'invoke_agent':
    case 'create_agent':
      return 'agent';
    case 'retrieval':
      return 'retrieval';
    case 'invoke_workflow':
      return 'workflow';
  }
  switch (legacyType) {
    case 'chat':
    case 'completion':
      return 'llm';
    case 'embedding':
      return 'embeddings';
    case 'rerank':
      return 'retrieval';
  }
  switch (traceloopKind) {
    case 'workflow':
    case 'task':
      return 'workflow';
    case 'agent':
      return 'agent';
    case 'tool':
      return 'tool';
  }
  return undefined;
}

/** LangChain marks retries with a `retry:attempt:N` tag, which OpenLLMetry passes on in attribute values. */
function retryFromTags(tags: readonly KeyValue[]): number | undefined {
  for (const { value } of tags) {
    const texts = Array.isArray(value) ? value : [value];
    for (const t of texts) {
      if (typeof t === 'string') {
        const m = /retry:attempt:(\d+)/.exec(t);
        if (m) {
          return Math.max(1, Number(m[1]) - 1);
        }
      }
    }
  }
  return undefined;
}

/** GenAI facts of a span, or undefined when it carries none. */
export function readGenAi(span: Span): GenAiSpan | undefined {
  if (!(keyFlags(span) & KeyFlag.GenAi)) {
    return undefined;
  }
  const tags = spanTags(span);
  const legacyKeys: string[] = [];
  const read = (keys: readonly string[]) => {
    const found = firstKey(tags, keys);
    if (found && LEGACY.has(found.key)) {
      legacyKeys.push(found.key);
    }
    return found?.value;
  };
  const operation = toText(read(KEYS.operation));
  const legacyType = toText(read(KEYS.legacyOperation));
  const traceloopKind = toText(read(KEYS.traceloopKind));
  const requestModel = toText(read(KEYS.requestModel));
  const responseModel = toText(read(KEYS.responseModel));
  const provider = toText(read(KEYS.provider));
  const inputTokens = toNumber(read(KEYS.inputTokens));
  const outputTokens = toNumber(read(KEYS.outputTokens));
  let totalTokens = toNumber(read(KEYS.totalTokens));
  const toolName = toText(read(KEYS.toolName));
  let role = roleOf(operation, legacyType, traceloopKind);
  if (!role) {
    if (requestModel || responseModel || inputTokens !== undefined || outputTokens !== undefined) {
      role = 'llm';
    } else if (toolName) {
      role = 'tool';
    } else {
      return undefined;
    }
  }
  if (totalTokens === undefined && (inputTokens !== undefined || outputTokens !== undefined)) {
    totalTokens = (inputTokens ?? 0) + (outputTokens ?? 0);
  }
  const ttftSeconds = toNumber(read(KEYS.timeToFirstToken));
  let timeToFirstTokenMs = ttftSeconds !== undefined ? ttftSeconds * 1000 : undefined;
  if (timeToFirstTokenMs === undefined && role === 'llm') {
    for (const event of spanEvents(span)) {
      if (CHUNK_EVENTS.has(eventName(event.name, event.fields) ?? '')) {
        timeToFirstTokenMs = Math.max(0, event.timestamp - span.start);
        break;
      }
    }
  }
  const retryValue = toNumber(read(KEYS.retry));
  const streaming = read(KEYS.streaming);
  return {
    role,
    operation: operation ?? legacyType ?? traceloopKind,
    requestModel,
    responseModel,
    provider,
    inputTokens,
    outputTokens,
    totalTokens,
    cacheReadTokens: toNumber(read(KEYS.cacheReadTokens)),
    reasoningTokens: toNumber(read(KEYS.reasoningTokens)),
    timeToFirstTokenMs,
    finishReasons: stringList(read(KEYS.finishReasons)),
    toolName,
    agentName: toText(read(KEYS.agentName)),
    streaming: streaming === undefined ? undefined : streaming === true || streaming === 'true',
    retryAttempt: retryValue !== undefined && retryValue > 0 ? retryValue : retryFromTags(tags),
    errorType: toText(read(KEYS.errorType)),
    legacyKeys,
  };
}

/** An event's name: Grafana's `name`, else the `event` or `message` field older frames use. */
export function eventName(name: string | undefined, fields: readonly KeyValue[]): string | undefined {
  return name ?? toText(tagValue(fields, ['event', 'message']));
}

/** The model to show: what answered, else what was asked for. */
export function modelOf(g: GenAiSpan): string | undefined {
  return g.responseModel ?? g.requestModel;
}

export interface LlmTotals {
  /** Spans that called a model (chat, completion, embeddings). */
  modelCalls: number;
  failedModelCalls: number;
  toolCalls: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  hasTokens: boolean;
  /** Wall time with at least one model call running (overlaps counted once), ms. */
  llmTimeMs: number;
  /** Errors over the whole trace. */
  errors: number;
  models: string[];
  providers: string[];
}

/**
 * Per-trace totals. Tokens are taken from the deepest spans that carry them:
 * frameworks that also put a sum on the parent (a chain or workflow span)
 * would otherwise be counted twice.
 */
export function llmTotals(tree: TraceTree, genai: ReadonlyArray<GenAiSpan | undefined>): LlmTotals {
  const n = tree.spans.length;
  const totals: LlmTotals = {
    modelCalls: 0,
    failedModelCalls: 0,
    toolCalls: 0,
    inputTokens: 0,
    outputTokens: 0,
    totalTokens: 0,
    hasTokens: false,
    llmTimeMs: 0,
    errors: tree.counts.errors,
    models: [],
    providers: [],
  };
  const models = new Set<string>();
  const providers = new Set<string>();
  const intervals = new IntervalSet();
  const tokensBelow = new Uint8Array(n);
  for (let p = n - 1; p >= 0; p--) {
    const i = tree.order[p];
    const g = genai[i];
    const carries =
      g !== undefined && (g.inputTokens !== undefined || g.outputTokens !== undefined || g.totalTokens !== undefined);
    if (carries && !tokensBelow[i]) {
      totals.inputTokens += g.inputTokens ?? 0;
      totals.outputTokens += g.outputTokens ?? 0;
      totals.totalTokens += g.totalTokens ?? 0;
      totals.hasTokens = true;
    }
    const par = tree.parent[i];
    if (par >= 0 && (carries || tokensBelow[i])) {
      tokensBelow[par] = 1;
    }
    if (!g) {
      continue;
    }
    if (g.role === 'llm' || g.role === 'embeddings') {
      totals.modelCalls++;
      if (tree.isError[i]) {
        totals.failedModelCalls++;
      }
      const s = tree.spans[i];
      intervals.add(s.start, s.start + s.duration);
      const model = modelOf(g);
      if (model) {
        models.add(model);
      }
    }
    if (g.role === 'tool') {
      totals.toolCalls++;
    }
    if (g.provider) {
      providers.add(g.provider);
    }
  }
  totals.llmTimeMs = intervals.unionLength();
  totals.models = Array.from(models).sort();
  totals.providers = Array.from(providers).sort();
  return totals;
}

/**
 * A growing set of time intervals whose union length is wanted. Starts and
 * ends are kept in typed arrays and sorted separately (native numeric sort),
 * which is much cheaper than sorting interval objects for tens of thousands
 * of spans.
 */
export class IntervalSet {
  private starts = new Float64Array(16);
  private ends = new Float64Array(16);
  private count = 0;

  add(start: number, end: number): void {
    if (!(end > start)) {
      return;
    }
    if (this.count === this.starts.length) {
      const starts = new Float64Array(this.count * 2);
      const ends = new Float64Array(this.count * 2);
      starts.set(this.starts);
      ends.set(this.ends);
      this.starts = starts;
      this.ends = ends;
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.count++;
  }

  get size(): number {
    return this.count;
  }

  /** Total length covered, overlaps counted once: a sweep over sorted starts and ends. */
  unionLength(): number {
    const n = this.count;
    const s = this.starts.slice(0, n).sort();
    const e = this.ends.slice(0, n).sort();
    let i = 0;
    let j = 0;
    let active = 0;
    let openedAt = 0;
    let total = 0;
    while (j < n) {
      if (i < n && s[i] < e[j]) {
        if (active === 0) {
          openedAt = s[i];
        }
        active++;
        i++;
      } else {
        active--;
        if (active === 0) {
          total += e[j] - openedAt;
        }
        j++;
      }
    }
    return total;
  }
}

/** Total length of a set of intervals, overlaps counted once. */
export function unionLength(intervals: Array<[number, number]>): number {
  const set = new IntervalSet();
  for (const [a, b] of intervals) {
    set.add(a, b);
  }
  return set.unionLength();
}

export interface LlmMessage {
  role: string;
  content: string;
}

/** Prompt and completion content, when the instrumentation recorded it. */
export interface LlmContent {
  system?: string;
  prompts: LlmMessage[];
  completions: LlmMessage[];
  /** Tool call arguments and results (gen_ai.tool.call.*). */
  toolArguments?: string;
  toolResult?: string;
}

interface MessagePart {
  type?: unknown;
  content?: unknown;
  text?: unknown;
  name?: unknown;
  arguments?: unknown;
  response?: unknown;
  result?: unknown;
}

/** Flattens a message's parts (text, tool calls, tool results) to text. */
function partsText(parts: unknown): string {
  if (!Array.isArray(parts)) {
    return formatValue(parts);
  }
  return parts
    .map((raw: unknown) => {
      if (typeof raw !== 'object' || raw === null) {
        return formatValue(raw);
      }
      const part = raw as MessagePart;
      switch (part.type) {
        case 'tool_call':
          return `Tool call ${formatValue(part.name)}(${formatValue(part.arguments)})`;
        case 'tool_call_response':
          return `Tool result: ${formatValue(part.response ?? part.result)}`;
        default:
          return formatValue(part.content ?? part.text ?? part);
      }
    })
    .join('\n');
}

/** Messages from OTel's gen_ai.input.messages / output.messages JSON, or OpenAI-style [{role, content}]. */
export function messagesFromJson(value: unknown): LlmMessage[] {
  let v = value;
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v);
    } catch {
      return v === '' ? [] : [{ role: '', content: String(value) }];
    }
  }
  if (!Array.isArray(v)) {
    return v === undefined || v === null ? [] : [{ role: '', content: formatValue(v) }];
  }
  return v.map((m: unknown) => {
    if (typeof m !== 'object' || m === null) {
      return { role: '', content: formatValue(m) };
    }
    const msg = m as {
      role?: unknown;
      parts?: unknown;
      content?: unknown;
      message?: { role?: unknown; content?: unknown };
    };
    const role = toText(msg.role ?? msg.message?.role) ?? '';
    const content =
      msg.parts !== undefined ? partsText(msg.parts) : partsText(msg.content ?? msg.message?.content ?? '');
    return { role, content };
  });
}

/** Flattened OpenLLMetry attributes gen_ai.prompt.N.role / .content (and tool calls). */
function indexedMessages(tags: readonly KeyValue[], prefix: string): LlmMessage[] {
  const byIndex = new Map<number, { role?: string; content: string[] }>();
  for (const { key, value } of tags) {
    if (!key.startsWith(prefix)) {
      continue;
    }
    const m = /^(\d+)\.(.+)$/.exec(key.slice(prefix.length));
    if (!m) {
      continue;
    }
    const idx = Number(m[1]);
    const field = m[2];
    let entry = byIndex.get(idx);
    if (!entry) {
      entry = { content: [] };
      byIndex.set(idx, entry);
    }
    if (field === 'role') {
      entry.role = toText(value);
    } else if (field === 'content') {
      entry.content.unshift(formatValue(value));
    } else if (/^tool_calls\.\d+\.name$/.test(field)) {
      entry.content.push(`Tool call ${formatValue(value)}`);
    } else if (/^tool_calls\.\d+\.arguments$/.test(field)) {
      entry.content.push(`  arguments: ${formatValue(value)}`);
    }
  }
  return Array.from(byIndex.entries())
    .sort((a, b) => a[0] - b[0])
    .map(([, e]) => ({ role: e.role ?? '', content: e.content.join('\n') }));
}

const EVENT_ROLES: Record<string, string> = {
  'gen_ai.system.message': 'system',
  'gen_ai.user.message': 'user',
  'gen_ai.assistant.message': 'assistant',
  'gen_ai.tool.message': 'tool',
};

/** Prompt and completion content from attributes (any convention) and GenAI events. */
export function readLlmContent(span: Span): LlmContent | undefined {
  const tags = spanTags(span);
  const content: LlmContent = { prompts: [], completions: [] };
  const system = tagValue(tags, ['gen_ai.system_instructions']);
  if (system !== undefined) {
    content.system = messagesFromJson(system)
      .map((m) => m.content)
      .join('\n');
  }
  const input = tagValue(tags, ['gen_ai.input.messages']);
  const output = tagValue(tags, ['gen_ai.output.messages']);
  content.prompts = input !== undefined ? messagesFromJson(input) : indexedMessages(tags, 'gen_ai.prompt.');
  content.completions = output !== undefined ? messagesFromJson(output) : indexedMessages(tags, 'gen_ai.completion.');
  if (content.prompts.length === 0) {
    const legacy = tagValue(tags, ['gen_ai.prompt', 'traceloop.entity.input']);
    if (legacy !== undefined) {
      content.prompts = messagesFromJson(legacy);
    }
  }
  if (content.completions.length === 0) {
    const legacy = tagValue(tags, ['gen_ai.completion', 'traceloop.entity.output']);
    if (legacy !== undefined) {
      content.completions = messagesFromJson(legacy);
    }
  }
  for (const event of spanEvents(span)) {
    const name = eventName(event.name, event.fields) ?? '';
    if (name === 'gen_ai.content.prompt' && content.prompts.length === 0) {
      content.prompts = messagesFromJson(tagValue(event.fields, ['gen_ai.prompt']));
    } else if (name === 'gen_ai.content.completion' && content.completions.length === 0) {
      content.completions = messagesFromJson(tagValue(event.fields, ['gen_ai.completion']));
    } else if (EVENT_ROLES[name]) {
      content.prompts.push({
        role: EVENT_ROLES[name],
        content: formatValue(tagValue(event.fields, ['content', 'body']) ?? ''),
      });
    } else if (name === 'gen_ai.choice') {
      content.completions.push({
        role: 'assistant',
        content: formatValue(tagValue(event.fields, ['message', 'content', 'body']) ?? ''),
      });
    }
  }
  const args = tagValue(tags, ['gen_ai.tool.call.arguments']);
  const result = tagValue(tags, ['gen_ai.tool.call.result']);
  if (args !== undefined) {
    content.toolArguments = formatValue(args);
  }
  if (result !== undefined) {
    content.toolResult = formatValue(result);
  }
  const empty =
    !content.system &&
    content.prompts.length === 0 &&
    content.completions.length === 0 &&
    !content.toolArguments &&
    !content.toolResult;
  return empty ? undefined : content;
}
