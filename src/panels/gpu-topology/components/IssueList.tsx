import React, { useMemo } from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

import { describeThrottleReason } from '../data/metrics';
import type { Gpu, TopologyModel } from '../data/model';

/** Items per section; beyond that the search narrows the list. */
const MAX_ITEMS = 50;

interface Props {
  model: TopologyModel;
  /** Only GPUs the search and switch keep (undefined: all). */
  shown: Uint8Array | undefined;
  placement: 'right' | 'bottom';
  width: number;
  height: number;
  onSelect: (gpu: number) => void;
}

interface Issue {
  gpu: Gpu;
  detail: string;
}

/** Stragglers, XID errors and throttled GPUs; each entry focuses its GPU on the map. */
export function IssueList({ model, shown, placement, width, height, onSelect }: Props) {
  const styles = useStyles2(getStyles);
  const sections = useMemo(() => {
    const keep = (g: Gpu) => !shown || shown[g.index] === 1;
    const stragglers: Issue[] = model.gpus
      .filter((g) => g.straggler && keep(g))
      .sort((a, b) => (Number.isNaN(a.score) ? 1 : Number.isNaN(b.score) ? -1 : a.score - b.score))
      .map((g) => ({ gpu: g, detail: Number.isNaN(g.score) ? '' : `score ${g.score.toFixed(2)}` }));
    const xid: Issue[] = model.gpus
      .filter((g) => g.xid > 0 && keep(g))
      .map((g) => ({ gpu: g, detail: `XID ${g.xid}` }));
    const throttled: Issue[] = model.gpus
      .filter((g) => g.throttle.length > 0 && keep(g))
      .map((g) => ({ gpu: g, detail: g.throttle.map(describeThrottleReason).join(', ') }));
    return [
      { id: 'straggler', title: 'Stragglers', items: stragglers },
      { id: 'xid', title: 'XID errors', items: xid },
      { id: 'throttled', title: 'Throttled', items: throttled },
    ].filter((s) => s.items.length > 0);
  }, [model, shown]);

  return (
    <div
      className={cx(styles.root, placement === 'right' ? styles.right : styles.bottom)}
      style={{ width, height }}
      role="region"
      aria-label="GPUs that need attention"
      data-testid="gpu-issue-list"
    >
      {sections.length === 0 && <div className={styles.empty}>No stragglers, XID errors or throttling.</div>}
      {sections.map((s) => (
        <section key={s.id} className={styles.section}>
          <h6 className={styles.title}>
            {s.title} <span className={styles.count}>{s.items.length}</span>
          </h6>
          <ul className={styles.list}>
            {s.items.slice(0, MAX_ITEMS).map(({ gpu, detail }) => (
              <li key={gpu.index}>
                <button
                  type="button"
                  className={styles.item}
                  onClick={() => onSelect(gpu.index)}
                  data-testid={`issue-${s.id}`}
                  data-gpu-key={`${gpu.host}/${gpu.gpu}${gpu.mig ? `/${gpu.mig}` : ''}`}
                  title={[gpu.namespace, gpu.pod].filter(Boolean).join(' / ') || undefined}
                >
                  <span className={styles.name}>
                    {gpu.host || 'Unknown host'} · GPU {gpu.gpu || '?'}
                  </span>
                  <span className={styles.detail}>
                    {[detail, gpu.namespace || gpu.hpcJob].filter(Boolean).join(' · ')}
                  </span>
                </button>
              </li>
            ))}
          </ul>
          {s.items.length > MAX_ITEMS && (
            <div className={styles.more}>
              {(s.items.length - MAX_ITEMS).toLocaleString('en-US')} more: use the search to narrow.
            </div>
          )}
        </section>
      ))}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  root: css({
    overflowY: 'auto',
    overflowX: 'hidden',
    fontSize: theme.typography.bodySmall.fontSize,
    display: 'flex',
    gap: theme.spacing(1),
  }),
  right: css({
    flexDirection: 'column',
    borderLeft: `1px solid ${theme.colors.border.weak}`,
    paddingLeft: theme.spacing(1),
  }),
  bottom: css({
    flexDirection: 'row',
    borderTop: `1px solid ${theme.colors.border.weak}`,
    paddingTop: theme.spacing(0.5),
    '& > section': {
      minWidth: 180,
      flex: 1,
    },
  }),
  section: css({
    display: 'flex',
    flexDirection: 'column',
    // Sections keep their height; the list scrolls.
    flexShrink: 0,
  }),
  title: css({
    margin: theme.spacing(0.5, 0),
    fontSize: theme.typography.bodySmall.fontSize,
    fontWeight: theme.typography.fontWeightMedium,
    color: theme.colors.text.primary,
  }),
  count: css({
    color: theme.colors.text.secondary,
    fontWeight: theme.typography.fontWeightRegular,
  }),
  list: css({
    listStyle: 'none',
    margin: 0,
    padding: 0,
  }),
  item: css({
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'flex-start',
    width: '100%',
    background: 'none',
    border: 'none',
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(0.25, 0.5),
    color: theme.colors.text.primary,
    textAlign: 'left',
    cursor: 'pointer',
    '&:hover': {
      background: theme.colors.action.hover,
    },
    '&:focus-visible': {
      outline: `2px solid ${theme.colors.primary.main}`,
    },
  }),
  name: css({
    maxWidth: '100%',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
  detail: css({
    maxWidth: '100%',
    color: theme.colors.text.secondary,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
  more: css({
    color: theme.colors.text.secondary,
    padding: theme.spacing(0.25, 0.5),
  }),
  empty: css({
    color: theme.colors.text.secondary,
    padding: theme.spacing(1, 0.5),
  }),
});
