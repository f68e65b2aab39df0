import { DEFAULT_OPTIONS, migrateOptions, parseLabelList } from './options';

describe('migrateOptions', () => {
  it('gives defaults for nothing or junk', () => {
    expect(migrateOptions(undefined)).toEqual(DEFAULT_OPTIONS);
    expect(migrateOptions(null)).toEqual(DEFAULT_OPTIONS);
    expect(migrateOptions('x')).toEqual(DEFAULT_OPTIONS);
    expect(
      migrateOptions({
        colorBy: 42,
        showLinks: 'sometimes',
        issueList: 7,
        stragglerThreshold: 3,
        minGroupMedian: 'lots',
      })
    ).toEqual(DEFAULT_OPTIONS);
  });

  it('keeps current options', () => {
    const current = {
      ...DEFAULT_OPTIONS,
      colorBy: 'temperature' as const,
      groupBy: 'rack',
      showLinks: 'off' as const,
      stragglersOnly: true,
    };
    expect(migrateOptions(current)).toEqual(current);
  });

  it('renames options of earlier drafts', () => {
    expect(
      migrateOptions({
        colorMetric: 'DCGM_FI_DEV_GPU_TEMP',
        groupLabel: 'hpc_job',
        stragglerOnly: true,
        showNvlink: false,
        threshold: '0.6',
        peerGroupLabels: ['namespace', 'pod'],
        listPlacement: 'bottom',
        showSearch: false,
      })
    ).toEqual({
      ...DEFAULT_OPTIONS,
      colorBy: 'temperature',
      groupBy: 'hpc_job',
      stragglersOnly: true,
      showLinks: 'off',
      stragglerThreshold: 0.6,
      stragglerGroupLabels: 'namespace, pod',
      issueList: 'bottom',
      showToolbar: false,
    });
  });

  it('keeps unknown metric names as a field to colour by', () => {
    expect(migrateOptions({ colorBy: 'DCGM_FI_DEV_MEM_COPY_UTIL' })).toMatchObject({
      colorBy: 'field',
      colorField: 'DCGM_FI_DEV_MEM_COPY_UTIL',
    });
    expect(migrateOptions({ colorBy: 'field', colorField: '' }).colorBy).toBe('auto');
    expect(migrateOptions({ colorBy: 'field', colorField: 'x' })).toMatchObject({ colorBy: 'field', colorField: 'x' });
  });

  it('turns an empty group into none', () => {
    expect(migrateOptions({ groupBy: '  ' }).groupBy).toBe('none');
  });
});

describe('parseLabelList', () => {
  it('splits on commas', () => {
    expect(parseLabelList(' namespace, hpc_job ,,')).toEqual(['namespace', 'hpc_job']);
    expect(parseLabelList('')).toEqual([]);
  });
});
