import { llmTotals, messagesFromJson, modelOf, readGenAi, readLlmContent, unionLength } from './genai';
import { rawTrace, T0, treeOf, type TestSpan } from './testing';
import type { KeyValue } from './values';

const kv = (o: Record<string, unknown>): KeyValue[] => Object.entries(o).map(([key, value]) => ({ key, value }));

function genaiOf(tags: unknown, extra: Partial<TestSpan> = {}) {
  const span = rawTrace([{ spanID: 'a', startTime: 0, duration: 1000, tags, ...extra }]).spans[0];
  return { span, g: readGenAi(span) };
}

describe('readGenAi', () => {
  it('ignores spans without GenAI attributes', () => {
    expect(genaiOf(kv({ 'http.method': 'GET' })).g).toBeUndefined();
    expect(genaiOf(undefined).g).toBeUndefined();
    expect(genaiOf('{"http.method":"GET"}').g).toBeUndefined();
  });

  it('reads the current OTel GenAI names', () => {
    const { g } = genaiOf(
      kv({
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.response.model': 'gpt-4o-2024-08-06',
        'gen_ai.provider.name': 'openai',
        'gen_ai.usage.input_tokens': 812,
        'gen_ai.usage.output_tokens': '96',
        'gen_ai.server.time_to_first_token': 0.41,
        'gen_ai.response.finish_reasons': ['stop'],
      })
    );
    expect(g).toMatchObject({
      role: 'llm',
      operation: 'chat',
      requestModel: 'gpt-4o',
      responseModel: 'gpt-4o-2024-08-06',
      provider: 'openai',
      inputTokens: 812,
      outputTokens: 96,
      totalTokens: 908,
      timeToFirstTokenMs: 410,
      finishReasons: ['stop'],
      legacyKeys: [],
    });
    expect(modelOf(g!)).toBe('gpt-4o-2024-08-06');
  });

  it('reads the older OpenLLMetry names, from JSON text too', () => {
    const { g } = genaiOf(
      JSON.stringify(
        kv({
          'llm.request.type': 'chat',
          'gen_ai.system': 'Anthropic',
          'gen_ai.request.model': 'claude-3-haiku',
          'llm.usage.prompt_tokens': 120,
          'llm.usage.completion_tokens': 30,
          'llm.usage.total_tokens': 150,
        })
      )
    );
    expect(g).toMatchObject({
      role: 'llm',
      provider: 'Anthropic',
      inputTokens: 120,
      outputTokens: 30,
      totalTokens: 150,
    });
    expect(g!.legacyKeys).toEqual(
      expect.arrayContaining(['gen_ai.system', 'llm.usage.prompt_tokens', 'llm.request.type'])
    );
  });

  it('prefers current names when both are present', () => {
    const { g } = genaiOf(
      kv({
        'gen_ai.system': 'old',
        'gen_ai.provider.name': 'new',
        'gen_ai.usage.prompt_tokens': 1,
        'gen_ai.usage.input_tokens': 2,
      })
    );
    expect([g!.provider, g!.inputTokens]).toEqual(['new', 2]);
  });

  it('classifies tools, agents, embeddings and workflows', () => {
    expect(genaiOf(kv({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'get_weather' })).g).toMatchObject(
      { role: 'tool', toolName: 'get_weather' }
    );
    expect(genaiOf(kv({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'planner' })).g).toMatchObject({
      role: 'agent',
      agentName: 'planner',
    });
    expect(genaiOf(kv({ 'gen_ai.operation.name': 'embeddings', 'gen_ai.usage.input_tokens': 5 })).g!.role).toBe(
      'embeddings'
    );
    expect(genaiOf(kv({ 'traceloop.span.kind': 'workflow' })).g!.role).toBe('workflow');
    expect(genaiOf(kv({ 'gen_ai.tool.name': 'search' })).g!.role).toBe('tool');
    expect(genaiOf(kv({ 'gen_ai.request.model': 'm' })).g!.role).toBe('llm');
  });

  it('finds time to first token from the first streamed chunk event', () => {
    const { g } = genaiOf(kv({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'm' }), {
      logs: [
        { timestamp: T0 + 300, name: 'llm.content.completion.chunk', fields: [] },
        { timestamp: T0 + 350, name: 'llm.content.completion.chunk', fields: [] },
      ],
    });
    expect(g!.timeToFirstTokenMs).toBe(300);
  });

  it('reads retries from resend counts and LangChain retry tags', () => {
    expect(genaiOf(kv({ 'gen_ai.request.model': 'm', 'http.request.resend_count': 2 })).g!.retryAttempt).toBe(2);
    expect(
      genaiOf(kv({ 'gen_ai.request.model': 'm', 'traceloop.association.properties': ['retry:attempt:2'] })).g!
        .retryAttempt
    ).toBe(1);
    expect(genaiOf(kv({ 'gen_ai.request.model': 'm' })).g!.retryAttempt).toBeUndefined();
  });
});

describe('readLlmContent', () => {
  it('returns nothing when no content was recorded', () => {
    const { span } = genaiOf(kv({ 'gen_ai.request.model': 'm' }));
    expect(readLlmContent(span)).toBeUndefined();
  });

  it('reads OpenLLMetry indexed prompts and completions', () => {
    const { span } = genaiOf(
      kv({
        'gen_ai.prompt.1.role': 'user',
        'gen_ai.prompt.1.content': 'Weather in Paris?',
        'gen_ai.prompt.0.role': 'system',
        'gen_ai.prompt.0.content': 'Be brief.',
        'gen_ai.completion.0.role': 'assistant',
        'gen_ai.completion.0.tool_calls.0.name': 'get_weather',
        'gen_ai.completion.0.tool_calls.0.arguments': '{"city":"Paris"}',
        'gen_ai.prompt.name': 'not a message',
      })
    );
    const content = readLlmContent(span)!;
    expect(content.prompts).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Weather in Paris?' },
    ]);
    expect(content.completions[0].content).toContain('Tool call get_weather');
    expect(content.completions[0].content).toContain('{"city":"Paris"}');
  });

  it('reads OTel input and output messages JSON with parts', () => {
    const input = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: 'Hi' }] }]);
    const output = JSON.stringify([
      {
        role: 'assistant',
        parts: [{ type: 'tool_call', name: 'lookup', arguments: { q: 'x' } }],
        finish_reason: 'tool_call',
      },
    ]);
    const { span } = genaiOf(
      kv({
        'gen_ai.input.messages': input,
        'gen_ai.output.messages': output,
        'gen_ai.system_instructions': '[{"type":"text","content":"sys"}]',
      })
    );
    const content = readLlmContent(span)!;
    expect(content.system).toBe('sys');
    expect(content.prompts).toEqual([{ role: 'user', content: 'Hi' }]);
    expect(content.completions).toEqual([{ role: 'assistant', content: 'Tool call lookup({"q":"x"})' }]);
  });

  it('reads GenAI content events and tool call arguments', () => {
    const { span } = genaiOf(
      kv({ 'gen_ai.tool.name': 't', 'gen_ai.tool.call.arguments': '{"a":1}', 'gen_ai.tool.call.result': 'ok' }),
      {
        logs: [
          { timestamp: T0, name: 'gen_ai.user.message', fields: kv({ content: 'question' }) },
          { timestamp: T0 + 1, name: 'gen_ai.choice', fields: kv({ message: 'answer' }) },
        ],
      }
    );
    const content = readLlmContent(span)!;
    expect(content.prompts).toEqual([{ role: 'user', content: 'question' }]);
    expect(content.completions).toEqual([{ role: 'assistant', content: 'answer' }]);
    expect([content.toolArguments, content.toolResult]).toEqual(['{"a":1}', 'ok']);
  });

  it('survives malformed message JSON', () => {
    expect(messagesFromJson('{not json')).toEqual([{ role: '', content: '{not json' }]);
    expect(messagesFromJson('')).toEqual([]);
    expect(messagesFromJson([{ role: 'user', content: 'x' }, 3])).toEqual([
      { role: 'user', content: 'x' },
      { role: '', content: '3' },
    ]);
  });
});

describe('llmTotals', () => {
  it('sums tokens from the deepest carriers, unions LLM time and counts failures and tools', () => {
    const tree = treeOf([
      {
        spanID: 'chain',
        startTime: 0,
        duration: 100,
        tags: kv({ 'traceloop.span.kind': 'workflow', 'gen_ai.usage.total_tokens': 999 }),
      },
      {
        spanID: 'try1',
        parentSpanID: 'chain',
        startTime: 0,
        duration: 20,
        statusCode: 2,
        tags: kv({ 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' }),
      },
      {
        spanID: 'try2',
        parentSpanID: 'chain',
        startTime: 25,
        duration: 40,
        tags: kv({
          'gen_ai.operation.name': 'chat',
          'gen_ai.request.model': 'gpt-4o',
          'gen_ai.provider.name': 'openai',
          'gen_ai.usage.input_tokens': 100,
          'gen_ai.usage.output_tokens': 20,
        }),
      },
      {
        spanID: 'embed',
        parentSpanID: 'chain',
        startTime: 30,
        duration: 10,
        tags: kv({
          'gen_ai.operation.name': 'embeddings',
          'gen_ai.request.model': 'e5',
          'gen_ai.usage.input_tokens': 7,
        }),
      },
      {
        spanID: 'tool',
        parentSpanID: 'chain',
        startTime: 70,
        duration: 5,
        tags: kv({ 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'x' }),
      },
      { spanID: 'plain', parentSpanID: 'chain', startTime: 80, duration: 5 },
    ]);
    const genai = tree.spans.map((s) => readGenAi(s));
    const totals = llmTotals(tree, genai);
    expect(totals).toMatchObject({
      modelCalls: 3,
      failedModelCalls: 1,
      toolCalls: 1,
      inputTokens: 107,
      outputTokens: 20,
      totalTokens: 127,
      hasTokens: true,
      llmTimeMs: 60,
      errors: 1,
      models: ['e5', 'gpt-4o'],
      providers: ['openai'],
    });
  });

  it('is all zeros for a trace without GenAI spans', () => {
    const tree = treeOf([{ spanID: 'a', startTime: 0, duration: 1 }]);
    expect(llmTotals(tree, [undefined])).toMatchObject({ modelCalls: 0, hasTokens: false, llmTimeMs: 0 });
  });
});

describe('unionLength', () => {
  it('counts overlaps once and ignores empty intervals', () => {
    expect(
      unionLength([
        [0, 10],
        [5, 15],
        [20, 25],
        [30, 30],
        [12, 14],
      ])
    ).toBe(20);
    expect(unionLength([])).toBe(0);
  });
});
