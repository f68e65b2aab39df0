import { createDataFrame, FieldType } from '@grafana/data';

import { topologySupport } from './support';

describe('topologySupport', () => {
  it('reads the gpu table', () => {
    const frame = createDataFrame({
      fields: [
        { name: 'host', type: FieldType.string, values: ['n1', 'n1', 'n2'] },
        { name: 'gpu', type: FieldType.string, values: ['0', '1', '0'] },
        { name: 'utilization', type: FieldType.number, values: [90, 80, 10] },
      ],
    });
    expect(topologySupport([frame])).toEqual({ kind: 'ok', summary: '3 GPUs on 2 nodes' });
  });

  it('reads DCGM series with Hostname or instance labels, counting duplicates once', () => {
    const series = (labels: Record<string, string>) =>
      createDataFrame({
        fields: [
          { name: 'Time', type: FieldType.time, values: [1] },
          { name: 'Value', type: FieldType.number, labels, values: [50] },
        ],
      });
    const frames = [
      series({ Hostname: 'a', gpu: '0' }),
      series({ Hostname: 'a', gpu: '0' }),
      series({ instance: 'b:9400', gpu: '3' }),
    ];
    expect(topologySupport(frames)).toEqual({ kind: 'ok', summary: '2 GPUs on 2 nodes' });
  });

  it('explains series without gpu labels', () => {
    const frame = createDataFrame({
      fields: [
        { name: 'Time', type: FieldType.time, values: [1] },
        { name: 'Value', type: FieldType.number, labels: { job: 'x' }, values: [1] },
      ],
    });
    expect(topologySupport([frame]).kind).toBe('unsupported');
    expect(topologySupport([]).kind).toBe('empty');
  });
});
