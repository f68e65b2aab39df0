import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import { dateTimeFormat, type GrafanaTheme2, type LinkModel } from '@grafana/data';
import { IconButton, useStyles2 } from '@grafana/ui';
import type { TimeZone } from '@grafana/schema';

import { formatCount, formatDuration } from '../data/format';
import { eventName, readLlmContent, type GenAiSpan, type LlmMessage } from '../data/genai';
import type { WaterfallModel } from '../data/model';
import { spanEvents, spanLinks, spanResource, spanStackTraces, spanTags, spanWarnings } from '../data/spans';
import { childCount, descendantCount, selfTime } from '../data/tree';
import { Marker } from '../data/types';
import { formatValue, type KeyValue } from '../data/values';
import { CopyId } from './CopyId';

interface Props {
  model: WaterfallModel;
  span: number;
  color: string;
  showContent: boolean;
  timeZone: TimeZone;
  /** Data links configured on the frame's fields (trace to logs and the like). */
  dataLinks: Array<LinkModel<unknown>>;
  width: number;
  height: number;
  onClose: () => void;
  onSelectSpan: (span: number) => void;
}

const MARKER_TEXT: Array<[number, string]> = [
  [Marker.Orphan, 'Its parent span is not in this trace, so it is shown at the top level.'],
  [Marker.Cycle, 'Its parent chain loops back to it; the loop was cut at this span.'],
  [
    Marker.Skew,
    'It starts before its parent. The clocks of the two hosts probably disagree; times are shown as recorded.',
  ],
  [Marker.Duplicate, 'Another span in this trace has the same id. Children are shown under the first one.'],
];

/** Everything known about one span: facts, GenAI usage, content, attributes, resource, events, links. */
export function SpanDetails(props: Props) {
  const { model, span: i, showContent, timeZone, onClose, onSelectSpan } = props;
  const styles = useStyles2(getStyles);
  const tree = model.tree;
  const s = tree.spans[i];
  const g = model.genai[i];
  const content = useMemo(() => (showContent ? readLlmContent(s) : undefined), [s, showContent]);
  const tags = useMemo(() => sortByKey(spanTags(s)), [s]);
  const resource = useMemo(() => sortByKey(spanResource(s)), [s]);
  const events = spanEvents(s);
  const links = spanLinks(s);
  const warnings = spanWarnings(s);
  const stackTraces = spanStackTraces(s);
  const isError = tree.isError[i] === 1;
  const parent = tree.parent[i];
  const time = (ms: number) => dateTimeFormat(ms, { timeZone, format: 'YYYY-MM-DD HH:mm:ss.SSS' });

  const facts: Array<[string, React.ReactNode]> = [
    ['Duration', formatDuration(s.duration)],
    ['Start', `${time(s.start)} (+${formatDuration(s.start - tree.start)})`],
    ['Self time', formatDuration(selfTime(tree, i))],
    ['Children', `${childCount(tree, i)} direct, ${descendantCount(tree, i)} in all`],
  ];
  if (s.kind) {
    facts.push(['Kind', s.kind]);
  }
  facts.push([
    'Status',
    isError ? `Error${s.statusMessage ? `: ${s.statusMessage}` : ''}` : s.status === 'ok' ? 'OK' : 'Unset',
  ]);
  if (model.critical.onPath[i]) {
    const onPathMs = (model.critical.bySpan.get(i) ?? []).reduce((a, c) => a + c.end - c.start, 0);
    facts.push(['Critical path', `${formatDuration(onPathMs)} of this span is on it`]);
  }
  if (s.library) {
    facts.push(['Instrumentation', `${s.library}${s.libraryVersion ? ` ${s.libraryVersion}` : ''}`]);
  }
  if (s.traceState) {
    facts.push(['Trace state', s.traceState]);
  }

  const linkTarget = (spanId: string, traceId: string) =>
    traceId === '' || traceId === tree.traceId || traceId.replace(/^0+/, '') === tree.traceId.replace(/^0+/, '')
      ? tree.spans.findIndex((x) => x.spanId === spanId)
      : -1;

  return (
    <section
      className={styles.pane}
      style={{ width: props.width, height: props.height }}
      aria-label={`Span details: ${s.name}`}
      data-testid="span-details"
    >
      <header className={styles.header}>
        <span className={styles.swatch} style={{ background: props.color }} />
        <div className={styles.titles}>
          <h4 className={styles.title} title={s.name}>
            {s.name}
          </h4>
          <div className={styles.subtitle}>
            {s.service}
            {isError && <span className={styles.errorPill}>Error</span>}
          </div>
        </div>
        <IconButton name="times" tooltip="Close details (Escape)" aria-label="Close span details" onClick={onClose} />
      </header>
      <div className={styles.body}>
        <dl className={styles.facts}>
          {facts.map(([k, v]) => (
            <React.Fragment key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </React.Fragment>
          ))}
          <dt>Trace ID</dt>
          <dd>
            <CopyId label="Trace ID" value={s.traceId || tree.traceId} testId="copy-trace-id" />
          </dd>
          <dt>Span ID</dt>
          <dd>
            <CopyId label="Span ID" value={s.spanId} testId="copy-span-id" />
          </dd>
          {parent >= 0 && (
            <>
              <dt>Parent</dt>
              <dd>
                <button type="button" className={styles.linkButton} onClick={() => onSelectSpan(parent)}>
                  {tree.spans[parent].name}
                </button>
              </dd>
            </>
          )}
        </dl>

        {MARKER_TEXT.filter(([bit]) => tree.markers[i] & bit).map(([bit, text]) => (
          <p key={bit} className={styles.note} role="note">
            {text}
          </p>
        ))}

        {g && <GenAiFacts g={g} styles={styles} />}

        {content && (
          <Section title="Prompt and completion" styles={styles}>
            {content.system && (
              <Content title="System instructions" styles={styles}>
                <pre className={styles.pre}>{content.system}</pre>
              </Content>
            )}
            {content.prompts.length > 0 && (
              <Content
                title={`Prompt (${plural(content.prompts.length, 'message')})`}
                styles={styles}
                testId="llm-prompt"
              >
                <Messages messages={content.prompts} styles={styles} />
              </Content>
            )}
            {content.completions.length > 0 && (
              <Content
                title={`Completion (${plural(content.completions.length, 'message')})`}
                styles={styles}
                testId="llm-completion"
              >
                <Messages messages={content.completions} styles={styles} />
              </Content>
            )}
            {content.toolArguments && (
              <Content title="Tool arguments" styles={styles}>
                <pre className={styles.pre}>{content.toolArguments}</pre>
              </Content>
            )}
            {content.toolResult && (
              <Content title="Tool result" styles={styles}>
                <pre className={styles.pre}>{content.toolResult}</pre>
              </Content>
            )}
          </Section>
        )}

        <Section title={`Attributes (${tags.length})`} styles={styles} testId="span-attributes">
          <KeyValueTable items={tags} styles={styles} empty="No attributes" />
        </Section>
        <Section title={`Resource (${resource.length})`} styles={styles} testId="span-resource">
          <KeyValueTable items={resource} styles={styles} empty="No resource attributes" />
        </Section>
        {events.length > 0 && (
          <Section title={`Events (${events.length})`} styles={styles} testId="span-events">
            {events.map((e, k) => (
              <div key={k} className={styles.event}>
                <div className={styles.eventHead}>
                  <span className={styles.eventTime}>+{formatDuration(e.timestamp - s.start)}</span>
                  <span>{eventName(e.name, e.fields) ?? 'event'}</span>
                </div>
                <KeyValueTable items={e.fields} styles={styles} empty="" />
              </div>
            ))}
          </Section>
        )}
        {links.length > 0 && (
          <Section title={`Links (${links.length})`} styles={styles} testId="span-links">
            {links.map((l, k) => {
              const target = linkTarget(l.spanId, l.traceId);
              return (
                <div key={k} className={styles.event}>
                  {target >= 0 ? (
                    <button type="button" className={styles.linkButton} onClick={() => onSelectSpan(target)}>
                      {tree.spans[target].name} ({tree.spans[target].service})
                    </button>
                  ) : (
                    <span className={styles.muted}>In another trace</span>
                  )}
                  <div>
                    <CopyId label="Linked trace ID" value={l.traceId || tree.traceId} />
                  </div>
                  <div>
                    <CopyId label="Linked span ID" value={l.spanId} />
                  </div>
                  {l.tags.length > 0 && <KeyValueTable items={l.tags} styles={styles} empty="" />}
                </div>
              );
            })}
          </Section>
        )}
        {props.dataLinks.length > 0 && (
          <Section title="Data links" styles={styles}>
            {props.dataLinks.map((l, k) => (
              <div key={k}>
                {/* A plain anchor, as Grafana renders data links: href, target and onClick come resolved from the field. */}
                <a
                  className={styles.dataLink}
                  href={l.href}
                  target={l.target}
                  rel={l.target === '_blank' ? 'noopener noreferrer' : undefined}
                  onClick={l.onClick}
                >
                  {l.title || l.href}
                </a>
              </div>
            ))}
          </Section>
        )}
        {warnings.length > 0 && (
          <Section title="Warnings" styles={styles}>
            {warnings.map((w, k) => (
              <p key={k} className={styles.note}>
                {w}
              </p>
            ))}
          </Section>
        )}
        {stackTraces.length > 0 && (
          <Section title="Stack traces" styles={styles}>
            {stackTraces.map((st, k) => (
              <pre key={k} className={styles.pre}>
                {st}
              </pre>
            ))}
          </Section>
        )}
      </div>
    </section>
  );
}

type Styles = ReturnType<typeof getStyles>;

function GenAiFacts({ g, styles }: { g: GenAiSpan; styles: Styles }) {
  const rows: Array<[string, string]> = [];
  const add = (label: string, value: string | number | undefined, format: (v: never) => string = String) => {
    if (value !== undefined && value !== '') {
      rows.push([label, format(value as never)]);
    }
  };
  add('Kind', roleLabel(g.role));
  add('Operation', g.operation);
  if (g.requestModel && g.responseModel && g.requestModel !== g.responseModel) {
    add('Model', `${g.responseModel} (asked for ${g.requestModel})`);
  } else {
    add('Model', g.responseModel ?? g.requestModel);
  }
  add('Provider', g.provider);
  add('Input tokens', g.inputTokens, formatCount);
  add('Output tokens', g.outputTokens, formatCount);
  add('Total tokens', g.totalTokens, formatCount);
  add('Cached input tokens', g.cacheReadTokens, formatCount);
  add('Reasoning tokens', g.reasoningTokens, formatCount);
  add('Time to first token', g.timeToFirstTokenMs, formatDuration);
  add('Finish reasons', g.finishReasons?.join(', '));
  add('Tool', g.toolName);
  add('Agent', g.agentName);
  add('Streaming', g.streaming === undefined ? undefined : g.streaming ? 'yes' : 'no');
  add('Retry', g.retryAttempt === undefined ? undefined : `attempt ${g.retryAttempt + 1}`);
  add('Error type', g.errorType);
  return (
    <Section title="GenAI" styles={styles} testId="span-genai">
      <dl className={styles.facts}>
        {rows.map(([k, v]) => (
          <React.Fragment key={k}>
            <dt>{k}</dt>
            <dd>{v}</dd>
          </React.Fragment>
        ))}
      </dl>
      {g.legacyKeys.length > 0 && (
        <p className={styles.muted}>Read from older attribute names: {Array.from(new Set(g.legacyKeys)).join(', ')}.</p>
      )}
    </Section>
  );
}

function roleLabel(role: GenAiSpan['role']): string {
  switch (role) {
    case 'llm':
      return 'Model call';
    case 'embeddings':
      return 'Embeddings';
    case 'tool':
      return 'Tool call';
    case 'agent':
      return 'Agent';
    case 'workflow':
      return 'Workflow';
    case 'retrieval':
      return 'Retrieval';
  }
}

function Section({
  title,
  styles,
  children,
  testId,
}: {
  title: string;
  styles: Styles;
  children: React.ReactNode;
  testId?: string;
}) {
  return (
    <div className={styles.section} data-testid={testId}>
      <h5 className={styles.sectionTitle}>{title}</h5>
      {children}
    </div>
  );
}

/** Prompt and completion text: collapsed until opened, since it can be long and sensitive. */
function Content({
  title,
  styles,
  children,
  testId,
}: {
  title: string;
  styles: Styles;
  children: React.ReactNode;
  testId?: string;
}) {
  return (
    <details className={styles.details} data-testid={testId}>
      <summary>{title}</summary>
      {children}
    </details>
  );
}

function Messages({ messages, styles }: { messages: LlmMessage[]; styles: Styles }) {
  return (
    <>
      {messages.map((m, k) => (
        <div key={k} className={styles.message}>
          {m.role && <div className={styles.role}>{m.role}</div>}
          <pre className={styles.pre}>{m.content}</pre>
        </div>
      ))}
    </>
  );
}

/** Long values (JSON payloads, messages) are cut for display; the full value is in the title. */
const MAX_VALUE_CHARS = 600;

function KeyValueTable({ items, styles, empty }: { items: KeyValue[]; styles: Styles; empty: string }) {
  if (items.length === 0) {
    return empty ? <p className={styles.muted}>{empty}</p> : null;
  }
  return (
    <table className={styles.kv}>
      <tbody>
        {items.map((kv, k) => {
          const text = formatValue(kv.value);
          return (
            <tr key={`${kv.key}-${k}`}>
              <th>{kv.key}</th>
              <td title={text.length > MAX_VALUE_CHARS ? text : undefined}>
                {text.length > MAX_VALUE_CHARS ? `${text.slice(0, MAX_VALUE_CHARS)}…` : text}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function sortByKey(items: KeyValue[]): KeyValue[] {
  return items.slice().sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

const getStyles = (theme: GrafanaTheme2) => ({
  pane: css({
    display: 'flex',
    flexDirection: 'column',
    background: theme.colors.background.primary,
    borderLeft: `1px solid ${theme.colors.border.medium}`,
    borderTop: `1px solid ${theme.colors.border.medium}`,
    minWidth: 0,
    overflow: 'hidden',
  }),
  header: css({
    display: 'flex',
    alignItems: 'flex-start',
    gap: theme.spacing(1),
    padding: theme.spacing(1),
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  swatch: css({ width: 4, alignSelf: 'stretch', borderRadius: 2, flexShrink: 0 }),
  titles: css({ flex: 1, minWidth: 0 }),
  title: css({
    margin: 0,
    fontSize: theme.typography.h5.fontSize,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
  subtitle: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    display: 'flex',
    gap: theme.spacing(1),
  }),
  errorPill: css({
    color: theme.colors.error.contrastText,
    background: theme.colors.error.main,
    borderRadius: theme.shape.radius.default,
    padding: '0 6px',
  }),
  body: css({ overflowY: 'auto', padding: theme.spacing(1), flex: 1, minHeight: 0 }),
  facts: css({
    display: 'grid',
    gridTemplateColumns: 'max-content minmax(0, 1fr)',
    columnGap: theme.spacing(1.5),
    rowGap: theme.spacing(0.25),
    margin: 0,
    fontSize: theme.typography.bodySmall.fontSize,
    dt: { color: theme.colors.text.secondary, fontWeight: 'normal' },
    dd: { margin: 0, minWidth: 0, overflowWrap: 'anywhere' },
  }),
  note: css({
    margin: `${theme.spacing(1)} 0 0`,
    padding: theme.spacing(0.5, 1),
    fontSize: theme.typography.bodySmall.fontSize,
    borderLeft: `3px solid ${theme.colors.warning.border}`,
    background: theme.colors.warning.transparent,
  }),
  section: css({ marginTop: theme.spacing(1.5) }),
  sectionTitle: css({
    margin: `0 0 ${theme.spacing(0.5)}`,
    fontSize: theme.typography.bodySmall.fontSize,
    fontWeight: theme.typography.fontWeightMedium,
    color: theme.colors.text.secondary,
    textTransform: 'uppercase',
    letterSpacing: 0.5,
  }),
  kv: css({
    width: '100%',
    borderCollapse: 'collapse',
    fontSize: theme.typography.bodySmall.fontSize,
    tableLayout: 'fixed',
    th: {
      width: '40%',
      textAlign: 'left',
      fontWeight: 'normal',
      color: theme.colors.text.secondary,
      verticalAlign: 'top',
      padding: '2px 8px 2px 0',
      overflowWrap: 'anywhere',
    },
    td: { padding: '2px 0', overflowWrap: 'anywhere', fontFamily: theme.typography.fontFamilyMonospace },
    'tr + tr': { borderTop: `1px solid ${theme.colors.border.weak}` },
  }),
  event: css({
    padding: theme.spacing(0.5, 0),
    borderTop: `1px solid ${theme.colors.border.weak}`,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  eventHead: css({ display: 'flex', gap: theme.spacing(1), fontWeight: theme.typography.fontWeightMedium }),
  eventTime: css({ color: theme.colors.text.secondary, fontFamily: theme.typography.fontFamilyMonospace }),
  details: css({
    marginBottom: theme.spacing(0.5),
    fontSize: theme.typography.bodySmall.fontSize,
    summary: { cursor: 'pointer', color: theme.colors.text.link },
  }),
  message: css({ marginTop: theme.spacing(0.5) }),
  role: css({ fontSize: 10, textTransform: 'uppercase', color: theme.colors.text.secondary }),
  pre: css({
    margin: 0,
    padding: theme.spacing(0.5),
    maxHeight: 240,
    overflow: 'auto',
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-word',
    fontSize: theme.typography.bodySmall.fontSize,
    background: theme.colors.background.secondary,
    border: `1px solid ${theme.colors.border.weak}`,
  }),
  muted: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize, margin: 0 }),
  dataLink: css({
    color: theme.colors.text.link,
    fontSize: theme.typography.bodySmall.fontSize,
    '&:hover': { textDecoration: 'underline' },
  }),
  linkButton: css({
    padding: 0,
    border: 'none',
    background: 'none',
    color: theme.colors.text.link,
    cursor: 'pointer',
    textAlign: 'left',
    font: 'inherit',
    '&:hover': { textDecoration: 'underline' },
  }),
});
