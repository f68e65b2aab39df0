import { createDataFrame, FieldType } from '@grafana/data';

import { buildTopologyModel } from './model';
import { topologySupport } from './support';

describe('topologySupport', () => {
  it('summarises the fleet', () => {
    const frame = createDataFrame({
      fields: [
        { name: 'host', type: FieldType.string, values: ['n1', 'n1', 'n2'] },
        { name: 'gpu', type: FieldType.string, values: ['0', '1', '0'] },
        { name: 'utilization', type: FieldType.number, values: [90, 80, 10] },
      ],
    });
    expect(topologySupport(buildTopologyModel([frame]), true)).toEqual({ kind: 'ok', summary: '3 GPUs on 2 nodes' });
    const one = createDataFrame({ fields: [{ name: 'gpu', type: FieldType.string, values: ['0'] }] });
    expect(topologySupport(buildTopologyModel([one]), true)).toEqual({ kind: 'ok', summary: '1 GPU on 1 node' });
  });

  it('tells empty data from data without GPUs', () => {
    expect(topologySupport(buildTopologyModel([]), false).kind).toBe('empty');
    const other = createDataFrame({
      fields: [{ name: 'Value', type: FieldType.number, values: [1], labels: { job: 'x' } }],
    });
    const s = topologySupport(buildTopologyModel([other]), true);
    expect(s).toMatchObject({ kind: 'unsupported', message: 'No GPUs found in this data' });
    expect(s.kind !== 'ok' && s.needs).toMatch(/Hostname/);
  });
});
