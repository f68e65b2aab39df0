import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import type { Field, GrafanaTheme2, LinkModel } from '@grafana/data';
import {
  IconButton,
  Portal,
  useStyles2,
  VizTooltipColorIndicator,
  VizTooltipContainer,
  VizTooltipContent,
  VizTooltipFooter,
  VizTooltipHeader,
  type VizTooltipItem,
} from '@grafana/ui';

import type { ColorScale } from '../data/colors';
import { describeThrottleReason, describeXid } from '../data/metrics';
import type { MetricColumn, TopologyModel } from '../data/model';
import { NO_POINTER, usePointer, type PointerStore } from './hoverStore';

interface Props {
  store: PointerStore;
  model: TopologyModel;
  colorColumn: MetricColumn | undefined;
  scale: ColorScale;
  format: (column: MetricColumn, value: number) => string;
  links: (gpu: number) => Array<LinkModel<Field>>;
}

/** Follows the pointer over a GPU; pinned (click, Enter, the issue list) it shows the data links. */
export function GpuTooltip({ store, model, colorColumn, scale, format, links }: Props) {
  const pointer = usePointer(store);
  const styles = useStyles2(getStyles);
  const { gpu, pinned } = pointer;
  const body = useMemo(() => {
    if (gpu < 0 || gpu >= model.gpus.length) {
      return null;
    }
    const g = model.gpus[gpu];
    const items: VizTooltipItem[] = [];
    const row = (label: string, value: string, color?: string) => {
      if (value !== '') {
        items.push({ label, value, color, colorIndicator: color ? VizTooltipColorIndicator.value : undefined });
      }
    };
    if (colorColumn) {
      const b = scale.buckets[gpu];
      row(colorColumn.title, format(colorColumn, colorColumn.values[gpu]), b >= 0 ? scale.colors[b] : undefined);
      items[items.length - 1].isActive = true;
    }
    // Memory: one row, "85.8 % · 68.3 GiB of 79.6 GiB", when both the share and sizes are known.
    const used = model.columns.find((c) => c.known === 'fbUsed');
    const free = model.columns.find((c) => c.known === 'fbFree');
    const sizes = used && free && !Number.isNaN(used.values[gpu]) && !Number.isNaN(free.values[gpu]);
    for (const c of model.columns) {
      if (c === colorColumn || c.known === 'stragglerScore' || (sizes && (c === used || c === free))) {
        continue;
      }
      const v = c.values[gpu];
      // Throttled-time shares only matter when there was some.
      if (Number.isNaN(v) || (v === 0 && /throttled/i.test(c.title))) {
        continue;
      }
      let text = format(c, v);
      if (c.known === 'memoryUsedPct' && sizes) {
        text += ` · ${format(used, used.values[gpu])} of ${format(used, used.values[gpu] + free.values[gpu])}`;
      }
      row(c.title, text);
    }
    if (colorColumn?.known === 'memoryUsedPct' && sizes) {
      items[0].value += ` · ${format(used, used.values[gpu])} of ${format(used, used.values[gpu] + free.values[gpu])}`;
    }
    if (!Number.isNaN(g.score)) {
      const verdict = g.straggler ? ' · straggler' : g.idle ? ' · group idle' : '';
      row('Straggler score', `${g.score.toFixed(2)}${verdict}`);
    } else if (g.straggler) {
      row('Straggler', 'yes');
    }
    if (!Number.isNaN(g.groupMedian)) {
      const size = g.groupSize > 0 ? `, ${g.groupSize} GPUs` : '';
      row('Group median', `${g.groupMedian.toFixed(1)} %${size}`);
    }
    if (g.xid > 0) {
      row('XID error', describeXid(g.xid, g.xidMessage).replace(/^XID /, ''));
    }
    if (g.throttle.length > 0) {
      row('Throttled', g.throttle.map(describeThrottleReason).join(', '));
    }
    const peers = model.links.filter((k) => k.a === gpu || k.b === gpu);
    if (peers.length > 0) {
      const ok = peers.filter((k) => k.ok).length;
      const broken = peers.filter((k) => k.degraded);
      const other = (k: (typeof peers)[number]) => model.gpus[k.a === gpu ? k.b : k.a].gpu;
      row(
        'NVLink peers',
        `${ok} OK${broken.length > 0 ? `, ${broken.length} down (GPU ${broken.map(other).join(', ')})` : ''}`
      );
    }
    row('Pod', [g.namespace, g.pod].filter(Boolean).join(' / ') || g.container);
    row('Job', g.hpcJob);
    row('UUID', g.uuid);
    if (g.group && g.group !== g.namespace && g.group !== g.hpcJob) {
      row('Peer group', g.group);
    }
    const title = `${g.host || 'Unknown host'} · GPU ${g.gpu || '?'}${g.mig ? ` (MIG ${g.mig})` : ''}`;
    return { title, model: g.model, items, key: `${g.host}/${g.gpu}${g.mig ? `/${g.mig}` : ''}` };
  }, [gpu, model, colorColumn, scale, format]);

  const dataLinks = useMemo(() => (pinned && gpu >= 0 ? links(gpu) : []), [pinned, gpu, links]);

  if (!body) {
    return null;
  }
  return (
    <Portal>
      <VizTooltipContainer
        position={{ x: pointer.x, y: pointer.y }}
        offset={{ x: 14, y: 14 }}
        allowPointerEvents={pinned}
        data-testid="gpu-tooltip"
        data-gpu-key={body.key}
        data-pinned={pinned ? 'true' : 'false'}
      >
        <div className={styles.wrapper}>
          {pinned && (
            <IconButton
              className={styles.close}
              name="times"
              size="sm"
              aria-label="Close"
              onClick={() => store.set(NO_POINTER)}
            />
          )}
          <VizTooltipHeader item={{ label: body.title, value: body.model }} isPinned={pinned} />
          <VizTooltipContent items={body.items} isPinned={pinned} scrollable={body.items.length > 14} maxHeight={360} />
          {pinned && dataLinks.length > 0 && <VizTooltipFooter dataLinks={dataLinks} />}
          {!pinned && (
            <div className={styles.hint}>Click to pin{model.dataLinks.length > 0 ? ' and open links' : ''}</div>
          )}
        </div>
      </VizTooltipContainer>
    </Portal>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  wrapper: css({
    display: 'flex',
    flexDirection: 'column',
    minWidth: 240,
    maxWidth: 380,
    position: 'relative',
  }),
  close: css({
    position: 'absolute',
    right: theme.spacing(1),
    top: theme.spacing(1),
    zIndex: 1,
  }),
  hint: css({
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    padding: theme.spacing(0.5, 1, 1),
  }),
});
