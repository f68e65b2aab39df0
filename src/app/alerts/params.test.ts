import { getTemplate, TEMPLATES } from './catalog';
import { durationWords, formatDuration, parseDuration } from './duration';
import { checkMatchers, checkValue, defaults, didYouMean, resolveParameters } from './params';
import type { AlertTemplate, ParameterSpec } from './types';

const tpl = (id: string): AlertTemplate => {
  const t = getTemplate(id);
  if (!t) {
    throw new Error(`no template ${id}`);
  }
  return t;
};
const spec = (id: string, name: string): ParameterSpec => {
  const p = tpl(id).parameters.find((x) => x.name === name);
  if (!p) {
    throw new Error(`no parameter ${id}.${name}`);
  }
  return p;
};

describe('durations', () => {
  it.each([
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
    ['1y', 31_536_000_000],
    ['250ms', 250],
    ['0s', 0],
    ['0', 0],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '5', '5 m', '1m1h', '-5m', '1.5h', 'm', '5M', '1h ', 'PT5M'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('formats durations canonically', () => {
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(604_800_000)).toBe('7d');
    expect(formatDuration(0)).toBe('0s');
  });

  it('words durations for annotations', () => {
    expect(durationWords('5m')).toBe('5 minutes');
    expect(durationWords('1h')).toBe('hour');
    expect(durationWords('7d')).toBe('7 days');
    expect(durationWords('1h30m')).toBe('1h30m');
  });
});

describe('checkValue', () => {
  const threshold = spec('MLHighErrorRate', 'threshold'); // 0 < x < 1
  it('checks number types and exclusive ranges', () => {
    expect(checkValue(threshold, 0.05)).toBeUndefined();
    expect(checkValue(threshold, 0)).toMatch(/above 0 and below 1, got 0/);
    expect(checkValue(threshold, 1)).toMatch(/below 1, got 1/);
    expect(checkValue(threshold, 5)).toMatch(/got 5/);
    expect(checkValue(threshold, '0.05')).toMatch(/must be a number, got "0.05"/);
    expect(checkValue(threshold, NaN)).toMatch(/must be a number/);
    expect(checkValue(threshold, null)).toMatch(/got null/);
  });

  it('checks inclusive ranges and whole numbers', () => {
    const minMedian = spec('GPUStraggler', 'minGroupMedian'); // 0..100 inclusive
    expect(checkValue(minMedian, 0)).toBeUndefined();
    expect(checkValue(minMedian, 100)).toBeUndefined();
    expect(checkValue(minMedian, 100.5)).toMatch(/at least 0 and at most 100/);
    const minPrev = spec('MLNoPredictions', 'minPreviousPredictions');
    expect(checkValue(minPrev, 10)).toBeUndefined();
    expect(checkValue(minPrev, 1.5)).toMatch(/whole number/);
    expect(checkValue(minPrev, -1)).toMatch(/a whole number at least 0/);
  });

  it('checks durations: syntax, zero, bounds', () => {
    const window = spec('MLHighErrorRate', 'window'); // 1m..90d
    const forP = spec('MLHighErrorRate', 'for'); // 0s allowed
    expect(checkValue(window, '10m')).toBeUndefined();
    expect(checkValue(window, '5 minutes')).toMatch(/is not a duration; use a number with a unit/);
    expect(checkValue(window, 300)).toMatch(/a duration such as "5m" \(a string\), got 300/);
    expect(checkValue(window, '0s')).toMatch(/longer than 0s/);
    expect(checkValue(window, '30s')).toMatch(/at least 1m, got 30s/);
    expect(checkValue(window, '100d')).toMatch(/at most 90d/);
    expect(checkValue(forP, '0s')).toBeUndefined();
    expect(checkValue(forP, '8d')).toMatch(/at most 7d/);
  });

  it('checks label names', () => {
    const label = spec('MLHighErrorRate', 'modelLabel');
    expect(checkValue(label, 'service_name')).toBeUndefined();
    expect(checkValue(label, 'model-name')).toMatch(/must be a label name/);
    expect(checkValue(label, '1model')).toMatch(/must be a label name/);
    expect(checkValue(label, '__name__')).toMatch(/reserved/);
    expect(checkValue(label, '')).toMatch(/must be a label name/);
  });

  it('checks metric names and histogram base names', () => {
    const counter = spec('MLHighErrorRate', 'requestsMetric');
    expect(checkValue(counter, 'my:requests_total')).toBeUndefined();
    expect(checkValue(counter, 'my-requests')).toMatch(/must be a metric name/);
    const hist = spec('MLSlowInference', 'durationMetric');
    expect(checkValue(hist, 'http_server_duration_seconds')).toBeUndefined();
    expect(checkValue(hist, 'ml_request_duration_seconds_bucket')).toBe(
      "give the histogram's base name without _bucket (ml_request_duration_seconds)"
    );
    expect(checkValue(hist, 'x_count')).toMatch(/without _count \(x\)/);
  });

  it('checks label values (team, model)', () => {
    const team = spec('MLHighErrorRate', 'team');
    expect(checkValue(team, '')).toBeUndefined();
    expect(checkValue(team, 'ml-platform')).toBeUndefined();
    expect(checkValue(team, 'ml platform')).toMatch(/no spaces or quotes/);
    expect(checkValue(team, 'a"b')).toMatch(/no spaces or quotes/);
    expect(checkValue(team, '$TEAM')).toMatch(/no spaces or quotes/);
    const model = spec('MLFeatureDrift', 'model');
    expect(checkValue(model, '')).toBe('must not be empty');
    expect(checkValue(model, 'meta-llama/Llama-3-8B')).toBeUndefined();
  });

  it('checks enums, URLs and UIDs', () => {
    expect(checkValue(spec('MLHighErrorRate', 'severity'), 'page')).toBe(
      'must be one of critical, warning, info, got "page"'
    );
    expect(checkValue(spec('MLFeatureDrift', 'method'), 'ks')).toMatch(/must be one of psi, wasserstein/);
    const url = spec('MLHighErrorRate', 'runbookUrl');
    expect(checkValue(url, 'https://wiki.example.com/runbooks/ml#errors')).toBeUndefined();
    expect(checkValue(url, 'wiki/runbooks')).toMatch(/http\(s\) URL/);
    expect(checkValue(url, 'https://x/${SECRET}')).toMatch(/without spaces, quotes, braces or \$/);
    const uid = spec('MLHighErrorRate', 'datasourceUid');
    expect(checkValue(uid, 'P1809F7CD0C75ACF3')).toBeUndefined();
    expect(checkValue(uid, 'my datasource')).toMatch(/Grafana UID/);
    expect(checkValue(uid, 'x'.repeat(41))).toMatch(/1 to 40/);
  });

  it('checks regular expressions as Prometheus reads them', () => {
    const codes = spec('MLHighErrorRate', 'errorCodes');
    expect(checkValue(codes, '5..|429')).toBeUndefined();
    expect(checkValue(codes, '5\\d\\d')).toBeUndefined();
    expect(checkValue(codes, '5(..')).toMatch(/not a valid regular expression/);
    expect(checkValue(codes, '(?!200)...')).toMatch(/RE2/);
    expect(checkValue(codes, '5.."')).toMatch(/quotes/);
    expect(checkValue(codes, '')).toMatch(/non-empty/);
  });
});

describe('checkMatchers', () => {
  it.each([
    '',
    'namespace="prod"',
    'namespace="prod", env!~"dev|test"',
    ' a = "x" ,b!="y",',
    'job=~"model-.*"',
    'x="a\\"b"',
  ])('accepts %j', (m) => {
    expect(checkMatchers(m)).toBeUndefined();
  });

  it.each([
    ['{namespace="prod"}', /without braces/],
    ['namespace=prod', /cannot read the matcher/],
    ['namespace="prod" env="x"', /expected a comma/],
    ['__name__="x"', /reserved/],
    ['a=~"(x"', /a=~: not a valid regular expression/],
    ['a=="x"', /cannot read the matcher/],
  ])('rejects %j', (m, re) => {
    expect(checkMatchers(m)).toMatch(re);
  });
});

describe('resolveParameters', () => {
  it('fills defaults and accepts every template default', () => {
    for (const t of TEMPLATES) {
      const r = resolveParameters(t);
      expect(r.problems).toEqual([]);
      expect(r.values).toEqual(defaults(t));
      for (const p of t.parameters) {
        expect([t.id, p.name, checkValue(p, p.default)]).toEqual([t.id, p.name, undefined]);
      }
    }
  });

  it('declares each parameter once, with words for people', () => {
    for (const t of TEMPLATES) {
      const names = t.parameters.map((p) => p.name);
      expect(new Set(names).size).toBe(names.length);
      for (const p of t.parameters) {
        expect(p.title.length).toBeGreaterThan(2);
        expect(p.description.length).toBeGreaterThan(10);
      }
    }
  });

  it('names unknown parameters with a suggestion', () => {
    const r = resolveParameters(tpl('MLHighErrorRate'), { treshold: 0.1, colour: 'red' });
    expect(r.problems.map((p) => p.parameter)).toEqual(['treshold', 'colour']);
    expect(r.problems[0].message).toMatch(
      /^unknown parameter \(did you mean threshold\?\); MLHighErrorRate has threshold, window/
    );
    expect(r.problems[1].message).not.toMatch(/did you mean/);
  });

  it('reports every bad value at once', () => {
    const r = resolveParameters(tpl('GPUStraggler'), { factor: 1.5, window: 'ten minutes', groupLabel: 'job name' });
    expect(r.problems.map((p) => p.parameter)).toEqual(['factor', 'groupLabel', 'window']);
  });

  it('keeps the error budget windows in order and its thresholds reachable', () => {
    const t = tpl('MLErrorBudgetBurn');
    expect(resolveParameters(t, { fastShortWindow: '2h' }).problems).toEqual([
      { parameter: 'fastShortWindow', message: 'must be shorter than fastLongWindow (1h), got 2h' },
    ]);
    expect(resolveParameters(t, { slowShortWindow: '6h' }).problems[0].parameter).toBe('slowShortWindow');
    const unreachable = resolveParameters(t, { slo: 90, fastBurnRate: 14.4 }).problems;
    expect(unreachable).toHaveLength(1);
    expect(unreachable[0].parameter).toBe('fastBurnRate');
    expect(unreachable[0].message).toMatch(/could never fire/);
    expect(resolveParameters(t, { slo: 99.9 }).problems).toEqual([]);
  });

  it.each([
    ['MLPredictionSkew', { window: '7d' }, 'window'],
    ['MLConfidenceDrop', { window: '2d' }, 'window'],
    ['LLMTokenUsageSpike', { window: '24h' }, 'window'],
  ])('%s: the current window must be shorter than the reference', (id, given, parameter) => {
    expect(resolveParameters(tpl(id), given).problems.map((p) => p.parameter)).toEqual([parameter]);
  });

  it('suggests near names only', () => {
    expect(didYouMean('MLHighErrorRat', ['MLHighErrorRate', 'GPUIdle'])).toBe(' (did you mean MLHighErrorRate?)');
    expect(didYouMean('idle', ['MLHighErrorRate', 'GPUIdle'])).toBe(' (did you mean GPUIdle?)');
    expect(didYouMean('zzz', ['MLHighErrorRate', 'GPUIdle'])).toBe('');
  });
});
