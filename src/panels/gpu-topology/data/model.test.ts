import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import {
  createDataFrame,
  dataFrameFromJSON,
  FieldType,
  type DataFrame,
  type DataFrameJSON,
  type Labels,
} from '@grafana/data';

import {
  buildTopologyModel,
  FLAG_STRAGGLER,
  FLAG_THROTTLED,
  FLAG_XID,
  p2pStatusName,
  resolveColorColumn,
  toNumber,
  type TopologyModel,
} from './model';

const FIXTURES = join(__dirname, '..', '..', '..', '..', 'tests', 'fixtures', 'frames');

function fixture(name: string): DataFrame[] {
  const raw = JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as DataFrameJSON[];
  return raw.map((f) => dataFrameFromJSON(f));
}

/** One Prometheus series: a time field and a labelled value field. */
function series(
  labels: Labels,
  values: number[],
  opts: { refId?: string; expr?: string; name?: string } = {}
): DataFrame {
  const frame = createDataFrame({
    refId: opts.refId,
    name: opts.name,
    fields: [
      { name: 'Time', type: FieldType.time, values: values.map((_, i) => 1_700_000_000_000 + i * 30_000) },
      { name: 'Value', type: FieldType.number, values, labels },
    ],
  });
  if (opts.expr) {
    frame.meta = { executedQueryString: `Expr: ${opts.expr}` };
  }
  return frame;
}

const gpuLabels = (host: string, gpu: string, extra: Labels = {}): Labels => ({
  Hostname: host,
  gpu,
  UUID: `GPU-${host}-${gpu}`,
  modelName: 'NVIDIA H100 80GB HBM3',
  namespace: 'train',
  pod: `${host}-pod`,
  ...extra,
});

const col = (m: TopologyModel, id: string) => m.columns.find((c) => c.id === id);
const byKey = (m: TopologyModel, host: string, gpu: string) => m.gpus.find((g) => g.host === host && g.gpu === gpu)!;

describe('buildTopologyModel: odd inputs', () => {
  it('returns an empty model for no frames, empty frames and frames without fields', () => {
    for (const frames of [
      [],
      [createDataFrame({ fields: [] })],
      [
        createDataFrame({
          fields: [
            { name: 'host', type: FieldType.string, values: [] },
            { name: 'gpu', type: FieldType.string, values: [] },
          ],
        }),
      ],
    ]) {
      const m = buildTopologyModel(frames);
      expect(m.gpus).toHaveLength(0);
      expect(m.source).toBe('none');
      expect(m.columns).toHaveLength(0);
      expect(m.counts).toEqual({ stragglers: 0, xid: 0, throttled: 0 });
    }
  });

  it('skips nulls and undefined frames without throwing', () => {
    const m = buildTopologyModel([undefined as unknown as DataFrame, null as unknown as DataFrame]);
    expect(m.gpus).toHaveLength(0);
  });

  it('reads one GPU', () => {
    const m = buildTopologyModel([
      createDataFrame({
        fields: [
          { name: 'host', type: FieldType.string, values: ['n1'] },
          { name: 'gpu', type: FieldType.string, values: ['0'] },
          { name: 'utilization', type: FieldType.number, values: [73] },
        ],
      }),
    ]);
    expect(m.gpus).toHaveLength(1);
    expect(m.hostCount).toBe(1);
    expect(col(m, 'utilization')!.values[0]).toBe(73);
    expect(m.source).toBe('table');
    // One GPU has no peers: no straggler analysis without a group label.
    expect(m.stragglerSource).toBe('none');
  });

  it('averages duplicated series and says so', () => {
    const m = buildTopologyModel([
      series({ __name__: 'DCGM_FI_DEV_GPU_UTIL', ...gpuLabels('a', '0') }, [80]),
      series({ __name__: 'DCGM_FI_DEV_GPU_UTIL', ...gpuLabels('a', '0') }, [90]),
    ]);
    expect(m.gpus).toHaveLength(1);
    expect(col(m, 'utilization')!.values[0]).toBe(85);
    expect(m.notices.join(' ')).toMatch(/1 duplicated value was averaged/);
  });

  it('merges duplicated table rows', () => {
    const m = buildTopologyModel([
      createDataFrame({
        fields: [
          { name: 'host', type: FieldType.string, values: ['a', 'a'] },
          { name: 'gpu', type: FieldType.string, values: ['0', '0'] },
          { name: 'utilization', type: FieldType.number, values: [10, 30] },
        ],
      }),
    ]);
    expect(m.gpus).toHaveLength(1);
    expect(col(m, 'utilization')!.values[0]).toBe(20);
    expect(m.notices.join(' ')).toMatch(/duplicated/);
  });

  it('skips series without a gpu label and keeps GPUs without a host label', () => {
    const m = buildTopologyModel([
      series({ __name__: 'DCGM_FI_DEV_GPU_UTIL', Hostname: 'a' }, [50]),
      series({ __name__: 'DCGM_FI_DEV_GPU_UTIL', gpu: '1' }, [60]),
      series({ __name__: 'DCGM_FI_DEV_GPU_UTIL', nvswitch: 'nvswitch0', Hostname: 'a' }, [1]),
    ]);
    expect(m.gpus).toHaveLength(1);
    expect(m.gpus[0].host).toBe('');
    expect(m.notices.join(' ')).toMatch(/2 series or rows have no gpu or UUID label/);
    expect(m.notices.join(' ')).toMatch(/Unknown host/);
  });

  it('ignores NaN, null and infinite values', () => {
    const m = buildTopologyModel([
      series({ __name__: 'DCGM_FI_DEV_GPU_UTIL', ...gpuLabels('a', '0') }, [NaN, 40, Infinity]),
      series({ __name__: 'DCGM_FI_DEV_GPU_TEMP', ...gpuLabels('a', '0') }, [NaN]),
      createDataFrame({
        fields: [
          { name: 'host', type: FieldType.string, values: ['b', 'b'] },
          { name: 'gpu', type: FieldType.string, values: ['0', '1'] },
          { name: 'power', type: FieldType.number, values: [null, 300] },
        ],
      }),
    ]);
    expect(m.gpus).toHaveLength(3);
    expect(col(m, 'utilization')!.values[0]).toBe(40);
    // A metric with no value anywhere is no column at all.
    expect(col(m, 'temperature')).toBeUndefined();
    const power = col(m, 'power')!;
    expect(power.count).toBe(1);
    expect(Number.isNaN(power.values[m.gpus.findIndex((g) => g.host === 'b' && g.gpu === '0')])).toBe(true);
  });

  it('reads mixed field types: numbers as text, numeric gpu ids, booleans as text', () => {
    const m = buildTopologyModel([
      createDataFrame({
        fields: [
          { name: 'Hostname', type: FieldType.string, values: ['a', 'a', 'a'] },
          { name: 'gpu', type: FieldType.number, values: [0, 1, 2] },
          { name: 'DCGM_FI_DEV_GPU_UTIL', type: FieldType.string, values: ['92.5', 'n/a', ''] },
          { name: 'straggler', type: FieldType.string, values: ['false', 'true', 'false'] },
          { name: 'xid', type: FieldType.string, values: ['', '79: GPU has fallen off the bus', '0'] },
          { name: 'throttle', type: FieldType.string, values: ['none', '', 'hw_slowdown'] },
        ],
      }),
    ]);
    expect(m.gpus.map((g) => g.gpu)).toEqual(['0', '1', '2']);
    expect(col(m, 'utilization')!.values[0]).toBe(92.5);
    expect(col(m, 'utilization')!.count).toBe(1);
    expect(m.gpus.map((g) => g.straggler)).toEqual([false, true, false]);
    expect(m.gpus[1].xid).toBe(79);
    expect(m.gpus[1].xidMessage).toBe('GPU has fallen off the bus');
    expect(m.gpus[2].throttle).toEqual(['hw_slowdown']);
    expect(Array.from(m.flags)).toEqual([0, FLAG_STRAGGLER | FLAG_XID, FLAG_THROTTLED]);
  });

  it('toNumber reads what tables send', () => {
    expect(toNumber(3)).toBe(3);
    expect(toNumber(' 4.5 ')).toBe(4.5);
    expect(toNumber(true)).toBe(1);
    expect(toNumber('false')).toBe(0);
    expect(toNumber('')).toBeNaN();
    expect(toNumber(null)).toBeNaN();
    expect(toNumber({})).toBeNaN();
  });
});

describe('buildTopologyModel: the mlwatch gpu frame', () => {
  const m = buildTopologyModel(fixture('topology-cluster.json'));

  it('reads every GPU of the cluster in natural order', () => {
    expect(m.gpus).toHaveLength(256);
    expect(m.hostCount).toBe(32);
    expect(m.source).toBe('table');
    expect(m.gpus[0].host).toBe('gpu-node-01');
    expect(m.gpus[8].host).toBe('gpu-node-02');
    expect(m.gpus.slice(0, 8).map((g) => g.gpu)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7']);
    expect(m.gpus[0]).toMatchObject({
      model: 'NVIDIA H100 80GB HBM3',
      namespace: 'llm-pretrain',
      container: 'trainer',
      group: 'llm-pretrain',
    });
  });

  it('takes stragglers, XID errors and throttling from the data', () => {
    expect(m.stragglerSource).toBe('data');
    expect(m.counts).toEqual({ stragglers: 1, xid: 1, throttled: 1 });
    const s = byKey(m, 'gpu-node-07', '3');
    expect(s.straggler).toBe(true);
    expect(s.score).toBeCloseTo(0.37, 2);
    expect(s.groupSize).toBe(128);
    expect(byKey(m, 'gpu-node-19', '2').xid).toBe(48);
    expect(byKey(m, 'gpu-node-25', '6').throttle).toEqual(['thermal']);
  });

  it('maps DCGM-named columns to metrics and derives memory used %', () => {
    const ids = m.columns.map((c) => c.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'utilization',
        'memoryUsedPct',
        'temperature',
        'power',
        'smClock',
        'tensorActive',
        'stragglerScore',
        'fbUsed',
        'fbFree',
      ])
    );
    const mem = col(m, 'memoryUsedPct')!;
    expect(mem.derived).toBe(true);
    expect(mem.unit).toBe('percent');
    const g = 0;
    expect(mem.values[g]).toBeCloseTo(
      (col(m, 'fbUsed')!.values[g] / (col(m, 'fbUsed')!.values[g] + col(m, 'fbFree')!.values[g])) * 100,
      6
    );
    expect(col(m, 'utilization')!.unit).toBe('percent');
    expect(col(m, 'temperature')!.unit).toBe('celsius');
  });

  it('builds NVLink links, one per pair, and finds the one that went down', () => {
    expect(m.links).toHaveLength(32 * 28);
    const down = m.links.filter((l) => l.degraded);
    expect(down).toHaveLength(1);
    expect(m.gpus[down[0].a].host).toBe('gpu-node-07');
    expect([m.gpus[down[0].a].gpu, m.gpus[down[0].b].gpu]).toEqual(['3', '5']);
    expect(down[0].status).toBe('Unknown');
  });

  it('gives every label of a GPU for links and grouping', () => {
    const i = m.gpus.findIndex((g) => g.host === 'gpu-node-07' && g.gpu === '3');
    expect(m.labelsOf(i)).toMatchObject({
      host: 'gpu-node-07',
      gpu: '3',
      namespace: 'llm-pretrain',
      pod: 'pretrain-7b-worker-6',
    });
    expect(m.labelOf(i, 'host')).toBe('gpu-node-07');
    expect(m.labelOf(i, 'no-such-label')).toBe('');
    expect(m.labelNames).toEqual(expect.arrayContaining(['host', 'namespace', 'pod']));
  });
});

describe('buildTopologyModel: frames written by the mlwatch backend', () => {
  // tests/fixtures/dcgm/frames.json is kept by pkg/engine's TestGPUFrameFixtures:
  // the gpu table, the gpu_links table and one alert (numeric) frame, as the
  // Go engine encodes them.
  const raw = JSON.parse(
    readFileSync(join(FIXTURES, '..', 'dcgm', 'frames.json'), 'utf8')
  ) as DataFrameJSON[];
  const frames = raw.map((f) => dataFrameFromJSON(f));

  it('reads the table with its verdicts and the links table', () => {
    const m = buildTopologyModel(frames.slice(0, 2));
    expect(m.gpus).toHaveLength(11);
    expect(m.hostCount).toBe(3);
    expect(m.source).toBe('table');
    expect(m.stragglerSource).toBe('data');
    expect(m.counts).toEqual({ stragglers: 1, xid: 0, throttled: 0 });
    const s = byKey(m, 'node1', '2');
    expect(s).toMatchObject({ straggler: true, group: 'train', groupMedian: 95, groupSize: 8, pod: 'worker-1' });
    expect(s.score).toBeCloseTo(0.4737, 3);
    expect(col(m, 'utilization')!.values[s.index]).toBe(45);
    // The backend sends null for GPUs without a series: no value, not zero.
    expect(col(m, 'temperature')!.count).toBe(8);
    expect(m.links).toEqual([expect.objectContaining({ status: 'NotSupported', ok: false })]);
    expect(m.gpus[m.links[0].a]).toMatchObject({ host: 'node0', gpu: '0' });
    expect(m.gpus[m.links[0].b]).toMatchObject({ host: 'node0', gpu: '1' });
    expect(m.labelNames).toEqual(expect.arrayContaining(['host', 'gpu', 'uuid', 'namespace', 'pod', 'hpc_job', 'group']));
  });

  it('merges the alert frame of the same query without a duplicate notice', () => {
    const m = buildTopologyModel(frames);
    expect(m.gpus).toHaveLength(11);
    expect(m.counts.stragglers).toBe(1);
    expect(m.notices.join(' ')).not.toMatch(/duplicated/);
  });

  it('reads the optional columns of the gpu table: MIG slices, throttling, NVLink and extra metrics', () => {
    const num = (name: string, values: Array<number | null>, displayNameFromDS?: string) => ({
      name,
      type: FieldType.number,
      values,
      config: displayNameFromDS ? { displayNameFromDS } : {},
    });
    const m = buildTopologyModel([
      createDataFrame({
        fields: [
          { name: 'host', type: FieldType.string, values: ['n1', 'n1', 'n1', 'n2'] },
          { name: 'gpu', type: FieldType.string, values: ['0', '0', '1', '0'] },
          { name: 'gpu_instance', type: FieldType.string, values: ['1', '2', '', ''] },
          { name: 'uuid', type: FieldType.string, values: ['GPU-a', 'GPU-a', 'GPU-b', 'GPU-c'] },
          num('DCGM_FI_DEV_GPU_UTIL', [90, 91, 92, 93], 'Utilisation (mean)'),
          num('xid_max', [0, 0, null, 79]),
          num('throttle_events', [0, 3, 0, 0], 'Throttling clock events'),
          num('thermal_violation_share', [0, 0, 0.2, 0], 'Time throttled by temperature'),
          num('power_violation_share', [0, 0, 0, 0], 'Time throttled by power'),
          num('DCGM_FI_DEV_CLOCKS_EVENT_REASONS', [1, 0, 0, 8]),
          num('nvlink_bandwidth_rate', [5, 5, 5, null], 'NVLink bandwidth counter rate'),
          num('DCGM_FI_PROF_SM_ACTIVE', [0.9, 0.8, 0.7, 0.6], 'DCGM_FI_PROF_SM_ACTIVE (mean)'),
        ],
      }),
    ]);
    // Two MIG slices of one GPU stay two cells.
    expect(m.gpus).toHaveLength(4);
    expect(m.gpus.filter((g) => g.host === 'n1' && g.gpu === '0').map((g) => g.mig)).toEqual(['1', '2']);
    const reasons = (host: string, gpu: string, mig = '') =>
      m.gpus.find((g) => g.host === host && g.gpu === gpu && g.mig === mig)!.throttle;
    // gpu_idle (bit 1) is not throttling; events and violation time are.
    expect(reasons('n1', '0', '1')).toEqual([]);
    expect(reasons('n1', '0', '2')).toEqual(['throttled']);
    expect(reasons('n1', '1')).toEqual(['thermal']);
    expect(reasons('n2', '0')).toEqual(['hw_slowdown']);
    expect(m.counts).toEqual({ stragglers: 0, xid: 1, throttled: 3 });
    expect(byKey(m, 'n2', '0').xid).toBe(79);
    // Columns the panel does not know keep their name and can colour the map.
    expect(resolveColorColumn(m, 'field', 'DCGM_FI_PROF_SM_ACTIVE')!.title).toBe('DCGM_FI_PROF_SM_ACTIVE (mean)');
    expect(resolveColorColumn(m, 'field', 'nvlink_bandwidth_rate')!.count).toBe(3);
  });

  it('reads the alert frame alone: a score without the verdict columns', () => {
    const m = buildTopologyModel(frames.slice(2));
    expect(m.gpus).toHaveLength(1);
    expect(m.gpus[0]).toMatchObject({ host: 'node1', gpu: '2', namespace: 'train' });
    expect(col(m, 'stragglerScore')!.values[0]).toBeCloseTo(0.4737, 3);
  });
});

describe('buildTopologyModel: friendly table', () => {
  it('reads snake_case names, throttle text and a links table with its own column names', () => {
    const frames = [
      createDataFrame({
        fields: [
          { name: 'hostname', type: FieldType.string, values: ['n1', 'n1', 'n2', 'n2'] },
          { name: 'gpu', type: FieldType.number, values: [0, 1, 0, 1] },
          { name: 'utilization', type: FieldType.number, values: [90, 92, 95, 30] },
          { name: 'memory_used_pct', type: FieldType.number, values: [50, 60, 70, 80] },
          { name: 'tensor_active', type: FieldType.number, values: [45, 50, 55, 10] },
          { name: 'throttle', type: FieldType.string, values: ['', 'power_cap', '', ''] },
          { name: 'namespace', type: FieldType.string, values: ['x', 'x', 'x', 'x'] },
        ],
      }),
      createDataFrame({
        fields: [
          { name: 'hostname', type: FieldType.string, values: ['n1', 'n1', 'n2'] },
          { name: 'gpu', type: FieldType.string, values: ['0', '1', '0'] },
          { name: 'peer', type: FieldType.string, values: ['1', '0', '1'] },
          { name: 'status', type: FieldType.string, values: ['OK', 'OK', 'NotSupported'] },
        ],
      }),
    ];
    const m = buildTopologyModel(frames);
    expect(m.gpus).toHaveLength(4);
    expect(col(m, 'memoryUsedPct')!.derived).toBeUndefined();
    // Friendly tensor columns in percent are taken as percent.
    expect(col(m, 'tensorActive')!.unit).toBe('percent');
    expect(byKey(m, 'n1', '1').throttle).toEqual(['power_cap']);
    // Computed by the panel: namespace x, median 91, 30/91 < 0.75.
    expect(m.stragglerSource).toBe('computed');
    expect(byKey(m, 'n2', '1').straggler).toBe(true);
    expect(m.links).toHaveLength(2);
    expect(m.links.filter((l) => l.ok)).toHaveLength(1);
    // Not supported on a node without any working link is not a broken link.
    expect(m.links.filter((l) => l.degraded)).toHaveLength(0);
  });
});

describe('buildTopologyModel: raw DCGM series', () => {
  const hosts = ['node-b', 'node-a'];
  const instant: DataFrame[] = [];
  for (const h of hosts) {
    for (const g of ['0', '1', '2', '3']) {
      const slow = h === 'node-a' && g === '2';
      instant.push(series({ __name__: 'DCGM_FI_DEV_GPU_UTIL', ...gpuLabels(h, g) }, [slow ? 20 : 90]));
      instant.push(series({ __name__: 'DCGM_FI_DEV_FB_USED', ...gpuLabels(h, g) }, [60000]));
      instant.push(series({ __name__: 'DCGM_FI_DEV_FB_FREE', ...gpuLabels(h, g) }, [20000]));
      instant.push(
        series(
          {
            __name__: 'DCGM_FI_DEV_XID_ERRORS',
            ...gpuLabels(h, g, {
              err_code: g === '1' && h === 'node-b' ? '79' : '0',
              err_msg: 'GPU has fallen off the bus',
            }),
          },
          [g === '1' && h === 'node-b' ? 79 : 0]
        )
      );
      instant.push(
        series({ __name__: 'DCGM_FI_DEV_CLOCKS_EVENT_REASONS', ...gpuLabels(h, g) }, [
          h === 'node-b' && g === '3' ? 0x40 | 0x1 : 0x1,
        ])
      );
      for (const p of ['0', '1', '2', '3']) {
        if (p !== g) {
          const bad = h === 'node-a' && ((g === '0' && p === '1') || (g === '1' && p === '0'));
          instant.push(
            series(
              { __name__: 'DCGM_EXP_P2P_STATUS', ...gpuLabels(h, g), peer_gpu: p, link_status: bad ? 'Unknown' : 'OK' },
              [bad ? 6 : 0]
            )
          );
        }
      }
    }
  }

  it('pivots instant series by host and gpu', () => {
    const m = buildTopologyModel(instant);
    expect(m.gpus).toHaveLength(8);
    expect(m.gpus.map((g) => `${g.host}/${g.gpu}`).slice(0, 3)).toEqual(['node-a/0', 'node-a/1', 'node-a/2']);
    expect(m.source).toBe('series');
    expect(m.range).toBe(false);
    expect(col(m, 'memoryUsedPct')!.values[0]).toBe(75);
    expect(col(m, 'memoryUsedPct')!.derived).toBe(true);
  });

  it('computes straggler scores the way the backend does', () => {
    const m = buildTopologyModel(instant);
    expect(m.stragglerSource).toBe('computed');
    expect(m.stragglerGroupLabels).toEqual(['namespace']);
    const s = byKey(m, 'node-a', '2');
    expect(s.straggler).toBe(true);
    expect(s.score).toBeCloseTo(20 / 90, 6);
    expect(s.groupMedian).toBe(90);
    expect(m.counts.stragglers).toBe(1);
    expect(col(m, 'stragglerScore')!.derived).toBe(true);
    // Group by node instead: node-a's median is 90 as well.
    const byHost = buildTopologyModel(instant, {
      stragglerGroupLabels: ['host'],
      straggler: { threshold: 0.75, minGroupMedian: 40 },
    });
    expect(byKey(byHost, 'node-a', '2').straggler).toBe(true);
    expect(byKey(byHost, 'node-a', '2').group).toBe('node-a');
  });

  it('marks XID errors with the exporter message and decodes throttle reasons', () => {
    const m = buildTopologyModel(instant);
    const x = byKey(m, 'node-b', '1');
    expect(x.xid).toBe(79);
    expect(x.xidMessage).toBe('GPU has fallen off the bus');
    expect(byKey(m, 'node-b', '3').throttle).toEqual(['hw_thermal']);
    // Idle (bit 0x1) is not throttling.
    expect(byKey(m, 'node-a', '3').throttle).toEqual([]);
  });

  it('turns P2P status series into links, worst direction wins', () => {
    const m = buildTopologyModel(instant);
    expect(m.links).toHaveLength(12);
    const down = m.links.filter((l) => !l.ok);
    expect(down).toHaveLength(1);
    expect(down[0].degraded).toBe(true);
    expect(m.gpus[down[0].a].host).toBe('node-a');
  });

  it('tells metrics apart by refId, legend or expression when __name__ is gone', () => {
    const labels = (g: string) => ({ hostname: 'h', gpu: g, namespace: 'n' });
    const m = buildTopologyModel([
      series(labels('0'), [50, 70], { refId: 'util' }),
      series(labels('1'), [90, 90], { refId: 'util' }),
      series(labels('0'), [60, 62], { refId: 'B', expr: 'avg by (hostname, gpu) (DCGM_FI_DEV_GPU_TEMP)' }),
      series(labels('0'), [1, 1], { refId: 'C', name: 'tensor_active' }),
      series(labels('0'), [5, 5], { refId: 'D', expr: 'DCGM_FI_DEV_MEM_COPY_UTIL' }),
    ]);
    expect(m.range).toBe(true);
    expect(col(m, 'utilization')!.values[0]).toBe(60);
    expect(col(m, 'temperature')!.values[0]).toBe(61);
    expect(col(m, 'tensorActive')!.values[0]).toBe(1);
    // Unknown metrics stay, named by what the data calls them.
    expect(m.columns.find((c) => c.id.startsWith('field:'))?.title).toBe('D');
  });

  it('reads counters over a range: violation time increased means throttled', () => {
    const l = { hostname: 'h', gpu: '0' };
    const m = buildTopologyModel([
      series({ __name__: 'DCGM_FI_DEV_THERMAL_VIOLATION', ...l }, [1e9, 1e9, 3e9]),
      series({ __name__: 'DCGM_FI_DEV_POWER_VIOLATION', ...l, gpu: '1' }, [5e9, 5e9, 5e9]),
      series({ __name__: 'DCGM_FI_DEV_THERMAL_VIOLATION', ...l, gpu: '2' }, [7e9]),
      series({ __name__: 'DCGM_EXP_CLOCK_EVENTS_COUNT', ...l, gpu: '3', clock_event: 'power_cap' }, [0, 2]),
      series({ __name__: 'DCGM_EXP_CLOCK_EVENTS_COUNT', ...l, gpu: '3', clock_event: 'gpu_idle' }, [9, 9]),
      series({ __name__: 'DCGM_EXP_XID_ERRORS_COUNT', ...l, gpu: '4', xid: '31' }, [0, 1]),
    ]);
    expect(m.gpus.map((g) => g.throttle)).toEqual([['thermal'], [], [], ['power_cap'], []]);
    expect(m.gpus[4].xid).toBe(31);
  });

  it('accepts instance as the host, device as the index, MIG slices and exported_ labels', () => {
    const m = buildTopologyModel([
      series(
        {
          __name__: 'DCGM_FI_DEV_GPU_UTIL',
          instance: '10.0.0.9:9400',
          device: 'nvidia3',
          namespace: 'gpu-operator',
          exported_namespace: 'team-a',
        },
        [10]
      ),
      series({ __name__: 'DCGM_FI_DEV_GPU_UTIL', instance: '10.0.0.9:9400', gpu: '0', GPU_I_ID: '1' }, [20]),
      series({ __name__: 'DCGM_FI_DEV_GPU_UTIL', instance: '10.0.0.9:9400', gpu: '0', GPU_I_ID: '2' }, [30]),
    ]);
    expect(m.gpus.map((g) => [g.host, g.gpu, g.mig])).toEqual([
      ['10.0.0.9:9400', '0', '1'],
      ['10.0.0.9:9400', '0', '2'],
      ['10.0.0.9:9400', '3', ''],
    ]);
    expect(m.gpus[2].namespace).toBe('team-a');
  });

  it('reads the Prometheus table format (a row per series, metric in __name__)', () => {
    const m = buildTopologyModel([
      createDataFrame({
        fields: [
          { name: 'Time', type: FieldType.time, values: [1, 1, 1, 1] },
          {
            name: '__name__',
            type: FieldType.string,
            values: ['DCGM_FI_DEV_GPU_UTIL', 'DCGM_FI_DEV_GPU_TEMP', 'DCGM_FI_DEV_GPU_UTIL', 'DCGM_EXP_P2P_STATUS'],
          },
          { name: 'Hostname', type: FieldType.string, values: ['a', 'a', 'a', 'a'] },
          { name: 'gpu', type: FieldType.string, values: ['0', '0', '1', '0'] },
          { name: 'peer_gpu', type: FieldType.string, values: ['', '', '', '1'] },
          { name: 'link_status', type: FieldType.string, values: ['', '', '', 'OK'] },
          { name: 'Value', type: FieldType.number, values: [55, 61, 65, 0] },
        ],
      }),
    ]);
    expect(m.gpus).toHaveLength(2);
    expect(col(m, 'utilization')!.values[1]).toBe(65);
    expect(col(m, 'temperature')!.values[0]).toBe(61);
    expect(m.links).toEqual([expect.objectContaining({ a: 0, b: 1, ok: true })]);
    expect(m.notices.join(' ')).not.toMatch(/duplicated/);
  });

  it('reads mlwatch numeric frames (alerting shape) with a score but no verdict', () => {
    const score = (gpu: string, v: number) =>
      createDataFrame({
        fields: [
          {
            name: 'straggler_score',
            type: FieldType.number,
            values: [v],
            labels: { host: 'h', gpu, namespace: 'n' },
            config: { custom: { threshold: 0.8 } },
          },
        ],
      });
    const m = buildTopologyModel([score('0', 1.02), score('1', 0.79)]);
    expect(m.stragglerSource).toBe('data');
    expect(m.stragglerThreshold).toBe(0.8);
    expect(m.gpus.map((g) => g.straggler)).toEqual([false, true]);
  });

  it('explains why there is no straggler score', () => {
    const m = buildTopologyModel([series({ __name__: 'DCGM_FI_DEV_GPU_UTIL', Hostname: 'a', gpu: '0' }, [50])]);
    expect(m.stragglerSource).toBe('none');
    expect(m.notices.join(' ')).toMatch(/No straggler scores: no GPU has the peer group label \(namespace\)/);
  });

  it('collects data links from field config once', () => {
    const link = { title: 'GPU', url: '/d/x?var-host=${__field.labels.host}' };
    const m = buildTopologyModel([
      createDataFrame({
        fields: [
          { name: 'host', type: FieldType.string, values: ['a'], config: { links: [link] } },
          { name: 'gpu', type: FieldType.string, values: ['0'], config: { links: [link] } },
        ],
      }),
    ]);
    expect(m.dataLinks).toEqual([link]);
  });
});

describe('buildTopologyModel: 16,384 GPUs', () => {
  it('reads a 2,048 x 8 fleet table', () => {
    const nodes = 2048;
    const n = nodes * 8;
    const host: string[] = [];
    const gpu: string[] = [];
    const util: number[] = [];
    const ns: string[] = [];
    const xid: number[] = [];
    for (let i = 0; i < n; i++) {
      host.push(`node-${String(Math.floor(i / 8)).padStart(4, '0')}`);
      gpu.push(String(i % 8));
      util.push(i % 997 === 0 ? 10 : 90 + (i % 5));
      ns.push(`ns-${Math.floor(i / 4096)}`);
      xid.push(i === 12345 ? 79 : 0);
    }
    const frame = createDataFrame({
      fields: [
        { name: 'host', type: FieldType.string, values: host },
        { name: 'gpu', type: FieldType.string, values: gpu },
        { name: 'namespace', type: FieldType.string, values: ns },
        { name: 'DCGM_FI_DEV_GPU_UTIL', type: FieldType.number, values: util },
        { name: 'xid_max', type: FieldType.number, values: xid },
      ],
    });
    const m = buildTopologyModel([frame]);
    expect(m.gpus).toHaveLength(n);
    expect(m.hostCount).toBe(nodes);
    expect(m.counts.xid).toBe(1);
    expect(m.counts.stragglers).toBe(Math.ceil(n / 997));
    expect(m.gpus[n - 1]).toMatchObject({ host: 'node-2047', gpu: '7' });
  });
});

describe('resolveColorColumn and p2pStatusName', () => {
  const m = buildTopologyModel(fixture('topology-cluster.json'));

  it('uses the asked metric, else the first the data has', () => {
    expect(resolveColorColumn(m, 'temperature')!.id).toBe('temperature');
    expect(resolveColorColumn(m, 'auto')!.id).toBe('utilization');
    expect(resolveColorColumn(m, 'field', 'thermal_violation_share')!.title).toBe('Time throttled by temperature');
    expect(resolveColorColumn(m, 'field', 'DCGM_FI_DEV_POWER_USAGE')!.id).toBe('power');
    expect(resolveColorColumn(buildTopologyModel([]), 'auto')).toBeUndefined();
  });

  it('names P2P codes as dcgm-exporter does', () => {
    expect(p2pStatusName(0)).toBe('OK');
    expect(p2pStatusName(5)).toBe('NotSupported');
    expect(p2pStatusName(42)).toBe('Unknown');
    expect(p2pStatusName(NaN)).toBe('Unknown');
  });
});
