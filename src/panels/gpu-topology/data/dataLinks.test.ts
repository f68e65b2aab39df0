import { FieldType, type Field } from '@grafana/data';

import { gpuLinks, gpuScopedVars, interpolateGpuVariables, type GpuLinkContext } from './dataLinks';

const ctx: GpuLinkContext = {
  labels: { host: 'gpu-node-07', gpu: '3', uuid: 'GPU-abc', namespace: 'llm pretrain', Hostname: 'gpu-node-07' },
  metricName: 'Utilisation',
  value: { raw: 34.5, text: '34.5%' },
};
const origin: Field = { name: 'x', type: FieldType.number, config: {}, values: [] };

describe('interpolateGpuVariables', () => {
  it('fills label, data field and value variables, percent-encoded', () => {
    expect(
      interpolateGpuVariables(
        '/d/gpu?var-host=${__field.labels.host}&var-gpu=${__data.fields.gpu}&ns=${__field.labels.namespace}',
        ctx
      )
    ).toBe('/d/gpu?var-host=gpu-node-07&var-gpu=3&ns=llm%20pretrain');
    expect(interpolateGpuVariables('v=${__value.raw}&t=${__value.text}&m=${__field.name}', ctx)).toBe(
      'v=34.5&t=34.5%25&m=Utilisation'
    );
    expect(interpolateGpuVariables('${__field.labels.namespace:raw}', ctx)).toBe('llm pretrain');
  });

  it('empties unknown labels and leaves other variables to Grafana', () => {
    expect(interpolateGpuVariables('${__field.labels.rack}|${namespace}|$__url_time_range|${__value.time}', ctx)).toBe(
      '|${namespace}|$__url_time_range|${__value.time}'
    );
  });

  it('does not encode titles', () => {
    expect(interpolateGpuVariables('GPU ${__field.labels.gpu} in ${__field.labels.namespace}', ctx, false)).toBe(
      'GPU 3 in llm pretrain'
    );
  });
});

describe('gpuLinks', () => {
  it('builds link models and passes the rest through replaceVariables with scoped variables', () => {
    const seen: unknown[] = [];
    const replace = (s: string, scoped?: unknown) => {
      seen.push(scoped);
      return s.replace('$cluster', 'prod');
    };
    const links = gpuLinks(
      [
        { title: 'GPU ${__field.labels.gpu}', url: '/d/x?host=${__field.labels.host}&c=$cluster', targetBlank: true },
        { title: '', url: '' },
      ],
      ctx,
      origin,
      replace
    );
    expect(links).toEqual([
      { href: '/d/x?host=gpu-node-07&c=prod', title: 'GPU 3', target: '_blank', origin, oneClick: undefined },
    ]);
    expect(seen[0]).toEqual(gpuScopedVars(ctx));
  });

  it('works without replaceVariables and titles by URL when untitled', () => {
    const links = gpuLinks([{ title: '', url: '/x/${__field.labels.uuid}' }], ctx, origin, undefined);
    expect(links[0]).toMatchObject({ href: '/x/GPU-abc', title: '/x/GPU-abc', target: '_self' });
  });
});
