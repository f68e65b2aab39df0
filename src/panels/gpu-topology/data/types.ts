/** The GPU topology model: what the panel draws, built by model.ts from frames. */
import type { DataLink, FieldConfig } from '@grafana/data';

import type { KnownMetricId } from './metrics';
import { DEFAULT_STRAGGLER_OPTIONS, type StragglerOptions } from './straggler';

export interface ModelSettings {
  /** Labels whose values form a straggler peer group ("host" = the node). */
  stragglerGroupLabels: string[];
  straggler: StragglerOptions;
}

export const DEFAULT_MODEL_SETTINGS: ModelSettings = {
  stragglerGroupLabels: ['namespace'],
  straggler: DEFAULT_STRAGGLER_OPTIONS,
};

export interface Gpu {
  /** Position in TopologyModel.gpus. */
  index: number;
  host: string;
  /** GPU index on its host ("" when the data has only a UUID). */
  gpu: string;
  /** MIG instance id, "" for a whole GPU. */
  mig: string;
  uuid: string;
  model: string;
  namespace: string;
  pod: string;
  container: string;
  hpcJob: string;
  /** Straggler peer group ("" for none). */
  group: string;
  /** Highest XID error seen (0: none; NaN: unknown). */
  xid: number;
  xidMessage: string;
  /** Throttling reasons; empty when not throttled. */
  throttle: string[];
  score: number;
  straggler: boolean;
  groupMedian: number;
  groupSize: number;
  /** The GPU's group is below the minimum median: no verdict. */
  idle: boolean;
}

export interface MetricColumn {
  /** A KnownMetricId, or "field:<name>" for other numeric columns. */
  id: string;
  known?: KnownMetricId;
  title: string;
  unit: string;
  decimals?: number;
  /** One value per GPU (NaN where it has none). */
  values: Float64Array;
  /** GPUs with a value. */
  count: number;
  min: number;
  max: number;
  /** Field config of the first source field (panel defaults and overrides applied). */
  config: FieldConfig;
  /** Computed by the panel (memory used % from FB_USED and FB_FREE). */
  derived?: boolean;
}

export interface GpuLink {
  /** GPU indices (a < b), both on the same node. */
  a: number;
  b: number;
  status: string;
  ok: boolean;
  /** Not OK on a node whose other links are: a link that broke. */
  degraded: boolean;
}

export type StragglerSource = 'data' | 'computed' | 'none';

/** Bits of TopologyModel.flags, for drawing without reading 16k objects. */
export const FLAG_STRAGGLER = 1;
export const FLAG_XID = 2;
export const FLAG_THROTTLED = 4;

export interface TopologyModel {
  gpus: Gpu[];
  /** Per GPU: FLAG_STRAGGLER | FLAG_XID | FLAG_THROTTLED. */
  flags: Uint8Array;
  columns: MetricColumn[];
  /** Links per GPU index (both directions). */
  links: GpuLink[];
  hostCount: number;
  source: 'table' | 'series' | 'mixed' | 'none';
  /** Series had more than one sample: values are means over the range. */
  range: boolean;
  stragglerSource: StragglerSource;
  stragglerGroupLabels: string[];
  stragglerThreshold: number;
  counts: { stragglers: number; xid: number; throttled: number };
  /** Things the user should know about the data (merged duplicates, skipped series). */
  notices: string[];
  /** Label / column names present, for grouping choices. */
  labelNames: string[];
  /** Data links from the fields' config, de-duplicated. */
  dataLinks: DataLink[];
  /** A label of a GPU ("host" is the resolved host). */
  labelOf: (gpu: number, name: string) => string;
  /** Every label of a GPU, identity first, for tooltips and data links. */
  labelsOf: (gpu: number) => Record<string, string>;
}
