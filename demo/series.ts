// Series sources and their two renderings: Prometheus text exposition for
// the live exporters, and OpenMetrics with timestamps for the backfill.
//
// A Source lists its series once (fixed order, families contiguous) and
// fills one number per series for a time step: the value of a gauge, or
// the increase of a counter (histogram buckets, _sum and _count are
// counters here). NaN means "no sample at this step". Counters are summed
// by the renderers.

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface Family {
  /** The name in the text exposition's TYPE line (counters keep _total). */
  name: string;
  type: MetricType;
  help: string;
}

export type Labels = Record<string, string>;

export interface Series {
  family: Family;
  /** Sample name: the family name, or with _bucket/_sum/_count. */
  name: string;
  labels: Labels;
  /** Cumulative (counters, histogram parts) or not (gauges). */
  counter: boolean;
  /**
   * Series of one lazy group (a histogram's labelset, a counter created on
   * first use) appear from the first step where any of them increases, as
   * a client library creates a labelled child on first use.
   */
  lazyGroup?: number;
}

export interface Source {
  name: string;
  series: Series[];
  /** Number of lazy groups used by series (0..n-1). */
  lazyGroups: number;
  /** Fills out[i] for series i at time t (ms), for a step of dtSec seconds ending at t. */
  fill(t: number, dtSec: number, out: Float64Array): void;
}

/** Builds the series list of a source. */
export class SeriesBuilder {
  readonly series: Series[] = [];
  private families = new Map<string, Family>();
  lazyGroups = 0;

  family(name: string, type: MetricType, help: string): Family {
    let f = this.families.get(name);
    if (!f) {
      f = { name, type, help };
      this.families.set(name, f);
    }
    return f;
  }

  /** Adds a gauge series; returns its index. */
  gauge(f: Family, labels: Labels): number {
    this.series.push({ family: f, name: f.name, labels, counter: false });
    return this.series.length - 1;
  }

  /** Adds a counter series; lazy ones appear on first increase. */
  counter(f: Family, labels: Labels, lazy = false): number {
    this.series.push({
      family: f,
      name: f.name,
      labels,
      counter: true,
      lazyGroup: lazy ? this.lazyGroups++ : undefined,
    });
    return this.series.length - 1;
  }

  /**
   * Adds a classic histogram labelset: one _bucket series per finite bound
   * and +Inf, then _sum and _count. Returns the index of the first bucket;
   * fill writes increases of the cumulative bucket counts. Lazy: the
   * labelset appears on its first observation.
   */
  histogram(f: Family, labels: Labels, bounds: readonly number[], lazy = true): number {
    const first = this.series.length;
    const group = lazy ? this.lazyGroups++ : undefined;
    for (const b of bounds) {
      this.series.push({
        family: f,
        name: f.name + '_bucket',
        labels: { ...labels, le: formatLe(b) },
        counter: true,
        lazyGroup: group,
      });
    }
    this.series.push({
      family: f,
      name: f.name + '_bucket',
      labels: { ...labels, le: '+Inf' },
      counter: true,
      lazyGroup: group,
    });
    this.series.push({ family: f, name: f.name + '_sum', labels, counter: true, lazyGroup: group });
    this.series.push({ family: f, name: f.name + '_count', labels, counter: true, lazyGroup: group });
    return first;
  }
}

/**
 * le as prom-client (the live service) writes it: JavaScript's shortest
 * number text ("1", "0.25"), so that backfilled and scraped buckets are the
 * same series. (Prometheus 3 normalises both to "1.0" on ingestion.)
 */
export function formatLe(b: number): string {
  return String(b);
}

/**
 * Writes observation counts of one histogram labelset into out: counts[i]
 * observations fell in bucket i (bucket i is (bounds[i-1], bounds[i]], the
 * last one is above every bound), with total sum. out receives the
 * increases of the cumulative buckets, the sum and the count.
 */
export function putHistogram(out: Float64Array, first: number, counts: ArrayLike<number>, sum: number): void {
  let cum = 0;
  for (let i = 0; i < counts.length; i++) {
    cum += counts[i];
    out[first + i] = cum;
  }
  out[first + counts.length] = sum;
  out[first + counts.length + 1] = cum;
}

const labelEscape = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

export function renderLabels(labels: Labels): string {
  const parts: string[] = [];
  for (const k of Object.keys(labels)) {
    parts.push(`${k}="${labelEscape(labels[k])}"`);
  }
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** Value text: integers without exponent, others with up to 6 significant digits. */
export function formatValue(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e15) {
    return String(v);
  }
  if (!Number.isFinite(v)) {
    return v > 0 ? '+Inf' : v < 0 ? '-Inf' : 'NaN';
  }
  return String(Number(v.toPrecision(7)));
}

/**
 * Live state of a source: counters accumulated since start, rendered in
 * the Prometheus text format (version 0.0.4), as exporters serve it.
 */
export class LiveSource {
  private totals: Float64Array;
  private values: Float64Array;
  private visible: Uint8Array;
  private last = 0;
  private readonly prefixes: string[];

  constructor(readonly source: Source) {
    const n = source.series.length;
    this.totals = new Float64Array(n);
    this.values = new Float64Array(n);
    this.visible = new Uint8Array(source.lazyGroups);
    this.prefixes = source.series.map((s) => s.name + renderLabels(s.labels) + ' ');
  }

  /** Advances to t (ms) and renders the exposition. */
  render(t: number): string {
    const dt = this.last ? Math.max(0, (t - this.last) / 1000) : 15;
    this.last = t;
    this.values.fill(NaN);
    this.source.fill(t, dt, this.values);
    const s = this.source.series;
    const lines: string[] = [];
    let fam: Family | undefined;
    for (let i = 0; i < s.length; i++) {
      const v = this.values[i];
      if (s[i].counter) {
        if (Number.isFinite(v) && v > 0) {
          this.totals[i] += v;
          if (s[i].lazyGroup !== undefined) {
            this.visible[s[i].lazyGroup!] = 1;
          }
        }
      }
    }
    for (let i = 0; i < s.length; i++) {
      const ser = s[i];
      let out: number;
      if (ser.counter) {
        if (ser.lazyGroup !== undefined && !this.visible[ser.lazyGroup]) {
          continue;
        }
        out = this.totals[i];
      } else {
        out = this.values[i];
        if (Number.isNaN(out)) {
          continue;
        }
      }
      if (ser.family !== fam) {
        fam = ser.family;
        lines.push(`# HELP ${fam.name} ${fam.help}`, `# TYPE ${fam.name} ${fam.type}`);
      }
      lines.push(this.prefixes[i] + formatValue(out));
    }
    return lines.join('\n') + '\n';
  }
}

/** Sink for streamed text (a file stream, or a string collector). */
export interface TextSink {
  write(chunk: string): void | Promise<void>;
}

/**
 * Writes sources as OpenMetrics text with timestamps, for
 * `promtool tsdb create-blocks-from openmetrics`: every family once, each
 * series' samples contiguous and in time order (what the importer needs),
 * counters summed from the start of the range. Steps are from+step ..
 * to (each sample ends its step). Returns the number of samples.
 *
 * extraLabels (e.g. job, instance) are added to every series so that the
 * backfilled series are the ones the live scrape continues.
 */
export async function writeOpenMetrics(
  sink: TextSink,
  sources: Array<{ source: Source; extraLabels?: Labels }>,
  from: number,
  to: number,
  stepMs: number
): Promise<number> {
  return writeOpenMetricsChunks(() => sink, sources, from, to, stepMs, Infinity);
}

/**
 * The same, cut in time into files of chunkMs each (each a complete
 * OpenMetrics document; counters carry on across files). promtool reads
 * its input once per block it writes, so a week cut into days loads about
 * as many times faster as there are days.
 */
export async function writeOpenMetricsChunks(
  sinkFor: (chunk: number, from: number, to: number) => TextSink | Promise<TextSink>,
  sources: Array<{ source: Source; extraLabels?: Labels }>,
  from: number,
  to: number,
  stepMs: number,
  chunkMs: number
): Promise<number> {
  const steps: number[] = [];
  for (let t = from + stepMs; t <= to; t += stepMs) {
    steps.push(t);
  }
  const dt = stepMs / 1000;
  // Per source: the matrix [step][series] of values or increases, and the
  // first step at which each lazy group appears.
  const prepared = sources.map(({ source, extraLabels }) => {
    const n = source.series.length;
    const m = new Float64Array(steps.length * n);
    const row = new Float64Array(n);
    for (let k = 0; k < steps.length; k++) {
      row.fill(NaN);
      source.fill(steps[k], dt, row);
      m.set(row, k * n);
    }
    const appear = new Int32Array(source.lazyGroups).fill(-1);
    for (let i = 0; i < n; i++) {
      const g = source.series[i].lazyGroup;
      if (g === undefined) {
        continue;
      }
      for (let k = 0; k < steps.length; k++) {
        if (m[k * n + i] > 0) {
          if (appear[g] < 0 || k < appear[g]) {
            appear[g] = k;
          }
          break;
        }
      }
    }
    const prefixes = source.series.map(
      (ser) => ser.name + renderLabels(extraLabels ? { ...ser.labels, ...extraLabels } : ser.labels) + ' '
    );
    return { source, m, appear, prefixes, cum: new Float64Array(n) };
  });
  let samples = 0;
  // Chunk boundaries: [k0, k1) step indexes.
  const bounds: Array<[number, number]> = [];
  if (!Number.isFinite(chunkMs)) {
    bounds.push([0, steps.length]);
  } else {
    let k0 = 0;
    while (k0 < steps.length) {
      const end = Math.floor(steps[k0] / chunkMs) * chunkMs + chunkMs;
      let k1 = k0;
      while (k1 < steps.length && steps[k1] < end) {
        k1++;
      }
      bounds.push([k0, k1]);
      k0 = k1;
    }
  }
  for (let c = 0; c < bounds.length; c++) {
    const [k0, k1] = bounds[c];
    const sink = await sinkFor(c, steps[k0] ?? from, steps[Math.max(k0, k1 - 1)] ?? to);
    const written = new Set<string>();
    let buf = '';
    for (const { source, m, appear, prefixes, cum } of prepared) {
      const n = source.series.length;
      let fam: Family | undefined;
      for (let i = 0; i < n; i++) {
        const ser = source.series[i];
        let startK = k0;
        if (ser.lazyGroup !== undefined) {
          const a = appear[ser.lazyGroup];
          if (a < 0 || a >= k1) {
            continue;
          }
          startK = Math.max(k0, a);
        }
        if (ser.family !== fam) {
          fam = ser.family;
          const omName = openMetricsFamilyName(fam);
          if (written.has(omName)) {
            throw new Error(`family ${omName} is written by two sources; OpenMetrics needs each family once`);
          }
          written.add(omName);
          buf += `# HELP ${omName} ${fam.help}\n# TYPE ${omName} ${fam.type}\n`;
        }
        const prefix = prefixes[i];
        for (let k = startK; k < k1; k++) {
          const v = m[k * n + i];
          let out: number;
          if (ser.counter) {
            if (Number.isFinite(v)) {
              cum[i] += v;
            }
            out = cum[i];
          } else {
            if (Number.isNaN(v)) {
              continue;
            }
            out = v;
          }
          buf += prefix + formatValue(out) + ' ' + formatTimestamp(steps[k]) + '\n';
          samples++;
        }
        if (buf.length > 1 << 20) {
          await sink.write(buf);
          buf = '';
        }
      }
    }
    buf += '# EOF\n';
    await sink.write(buf);
    const closable = sink as TextSink & { close?: () => Promise<void> };
    if (closable.close && Number.isFinite(chunkMs)) {
      await closable.close();
    }
  }
  return samples;
}

/** OpenMetrics family name: a counter's samples end in _total, its family does not. */
export function openMetricsFamilyName(f: Family): string {
  return f.type === 'counter' && f.name.endsWith('_total') ? f.name.slice(0, -'_total'.length) : f.name;
}

function formatTimestamp(ms: number): string {
  return ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(3);
}
