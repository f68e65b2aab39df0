import {
  columnKind,
  describeThrottleReason,
  describeXid,
  metricFromText,
  throttleReasonsFromMask,
  throttleReasonsFromValue,
} from './metrics';

describe('columnKind', () => {
  it('knows DCGM field names, the mlwatch columns and friendly names, in any case', () => {
    expect(columnKind('DCGM_FI_DEV_GPU_UTIL')).toEqual({ kind: 'metric', id: 'utilization' });
    expect(columnKind('dcgm_fi_dev_gpu_util')).toEqual({ kind: 'metric', id: 'utilization' });
    expect(columnKind('gpu_util')).toEqual({ kind: 'metric', id: 'utilization' });
    expect(columnKind('memory_used_pct')).toEqual({ kind: 'metric', id: 'memoryUsedPct' });
    expect(columnKind('DCGM_FI_PROF_PIPE_TENSOR_ACTIVE')).toEqual({ kind: 'metric', id: 'tensorActive' });
    expect(columnKind('xid_max')).toEqual({ kind: 'special', id: 'xid' });
    expect(columnKind('DCGM_FI_DEV_CLOCK_THROTTLE_REASONS')).toEqual({ kind: 'special', id: 'throttleMask' });
    expect(columnKind('DCGM_FI_DEV_CLOCKS_EVENT_REASONS')).toEqual({ kind: 'special', id: 'throttleMask' });
    expect(columnKind('throttle_events')).toEqual({ kind: 'special', id: 'throttleEvents' });
    expect(columnKind('DCGM_EXP_P2P_STATUS')).toEqual({ kind: 'special', id: 'p2p' });
    expect(columnKind(' straggler_score ')).toEqual({ kind: 'metric', id: 'stragglerScore' });
  });

  it('says nothing about unknown or empty names', () => {
    expect(columnKind('DCGM_FI_DEV_MEM_COPY_UTIL')).toBeUndefined();
    expect(columnKind('')).toBeUndefined();
    expect(columnKind(undefined)).toBeUndefined();
  });
});

describe('metricFromText', () => {
  it('finds the one DCGM metric in a PromQL expression or legend', () => {
    expect(metricFromText('Expr: avg_over_time(DCGM_FI_DEV_GPU_TEMP[5m])\nStep: 15s')).toEqual({
      kind: 'metric',
      id: 'temperature',
    });
    expect(metricFromText('sum by (Hostname, gpu) (rate(DCGM_FI_DEV_POWER_VIOLATION[5m]))')).toEqual({
      kind: 'special',
      id: 'powerViolation',
    });
    expect(metricFromText('util')).toEqual({ kind: 'metric', id: 'utilization' });
  });

  it('refuses text that mentions several metrics (a ratio is neither)', () => {
    expect(metricFromText('DCGM_FI_DEV_FB_USED / (DCGM_FI_DEV_FB_USED + DCGM_FI_DEV_FB_FREE)')).toBeUndefined();
    expect(metricFromText('A')).toBeUndefined();
  });
});

describe('throttling', () => {
  it('decodes the DCGM clock event mask, ignoring states that are not throttling', () => {
    expect(throttleReasonsFromMask(0)).toEqual([]);
    expect(throttleReasonsFromMask(0x1)).toEqual([]); // idle
    expect(throttleReasonsFromMask(0x1 | 0x2 | 0x10 | 0x100)).toEqual([]);
    expect(throttleReasonsFromMask(0x40)).toEqual(['hw_thermal']);
    expect(throttleReasonsFromMask(0x4 | 0x8 | 0x20 | 0x80)).toEqual([
      'power_cap',
      'hw_slowdown',
      'sw_thermal',
      'hw_power_brake',
    ]);
    expect(throttleReasonsFromMask(NaN)).toEqual([]);
    expect(throttleReasonsFromMask(-1)).toEqual([]);
  });

  it('reads flags and reason text', () => {
    expect(throttleReasonsFromValue(true)).toEqual(['throttled']);
    expect(throttleReasonsFromValue(false)).toEqual([]);
    expect(throttleReasonsFromValue(1)).toEqual(['throttled']);
    expect(throttleReasonsFromValue(0)).toEqual([]);
    expect(throttleReasonsFromValue(NaN)).toEqual([]);
    expect(throttleReasonsFromValue(null)).toEqual([]);
    expect(throttleReasonsFromValue('none')).toEqual([]);
    expect(throttleReasonsFromValue('gpu_idle')).toEqual([]);
    expect(throttleReasonsFromValue('true')).toEqual(['throttled']);
    expect(throttleReasonsFromValue('hw_thermal, power_cap')).toEqual(['hw_thermal', 'power_cap']);
    expect(throttleReasonsFromValue('DCGM_CLOCKS_THROTTLE_REASON_HW_SLOWDOWN')).toEqual(['hw_slowdown']);
  });

  it('names reasons for people', () => {
    expect(describeThrottleReason('hw_thermal')).toBe('hardware thermal');
    expect(describeThrottleReason('some_new_reason')).toBe('some new reason');
  });
});

describe('describeXid', () => {
  it('prefers the exporter message and knows common codes', () => {
    expect(describeXid(79)).toBe('XID 79: GPU has fallen off the bus');
    expect(describeXid(48, 'Double Bit ECC Error')).toBe('XID 48: Double Bit ECC Error');
    expect(describeXid(999)).toBe('XID 999');
  });
});
