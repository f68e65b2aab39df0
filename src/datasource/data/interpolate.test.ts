import type { MlQuery } from '../types';
import {
  escapePromString,
  escapeRegex,
  escapeSqlString,
  interpolateList,
  interpolatePromQL,
  interpolateQuery,
  interpolateSQL,
  type FormatFn,
  type Replace,
} from './interpolate';

/**
 * A stand-in for getTemplateSrv().replace with Grafana's semantics for what
 * the datasource uses: $var, ${var}, [[var]], a format function called with
 * a string for one value and an array for several (multi-value or All), and
 * a custom all value inserted as written.
 */
interface Var {
  value: string | string[];
  all?: boolean;
  allValue?: string;
  options?: string[];
}

function fakeReplace(vars: Record<string, Var>): Replace {
  const re = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;
  return (text: string, format?: FormatFn) =>
    text.replace(re, (match, a?: string, b?: string, _f1?: string, c?: string) => {
      const v = vars[a ?? b ?? c ?? ''];
      if (!v) {
        return match;
      }
      if (v.all && v.allValue) {
        return v.allValue;
      }
      const value = v.all ? (v.options ?? []) : v.value;
      if (format) {
        return format(value);
      }
      return Array.isArray(value) ? value.join(',') : value;
    });
}

const vars = fakeReplace({
  model: { value: 'fraud' },
  quoted: { value: 'it"s' },
  sq: { value: "o'brien" },
  models: { value: ['fraud', 'churn.v2'] },
  all: { value: [], all: true, options: ['a', 'b|c'] },
  custom: { value: [], all: true, allValue: '.*' },
  metric: { value: 'ml_feature_value' },
  feature: { value: ['age', 'income'] },
  ns: { value: ['team-a', 'team.b'] },
  table: { value: 'events' },
  step: { value: '5m' },
});

describe('escaping', () => {
  it('escapes regular-expression syntax', () => {
    expect(escapeRegex('a.b|c(d)*+?^$[]{}\\')).toBe('a\\.b\\|c\\(d\\)\\*\\+\\?\\^\\$\\[\\]\\{\\}\\\\');
  });

  it('escapes PromQL string literals for their quote', () => {
    expect(escapePromString('a"b\\c', '"')).toBe('a\\"b\\\\c');
    expect(escapePromString("a'b", "'")).toBe("a\\'b");
    expect(escapePromString('a`b', '`')).toBe('ab');
    expect(escapePromString('line\nbreak', '"')).toBe('line\\nbreak');
  });

  it('escapes SQL string literals', () => {
    expect(escapeSqlString("o'brien\\x")).toBe("o\\'brien\\\\x");
  });
});

describe('interpolatePromQL', () => {
  it('puts a single value into a label matcher, escaped for the quote', () => {
    expect(interpolatePromQL('rate(x{model="$model"}[5m])', vars)).toBe('rate(x{model="fraud"}[5m])');
    expect(interpolatePromQL('x{model="$quoted"}', vars)).toBe('x{model="it\\"s"}');
    expect(interpolatePromQL("x{model='$sq'}", vars)).toBe("x{model='o\\'brien'}");
  });

  it('joins several values with | in a regex matcher, each escaped as a literal', () => {
    expect(interpolatePromQL('x{model=~"$models"}', vars)).toBe('x{model=~"fraud|churn\\\\.v2"}');
    expect(interpolatePromQL('x{model!~"${models}"}', vars)).toBe('x{model!~"fraud|churn\\\\.v2"}');
  });

  it('expands All to every option, and keeps a custom all value as written', () => {
    expect(interpolatePromQL('x{m=~"$all"}', vars)).toBe('x{m=~"a|b\\\\|c"}');
    expect(interpolatePromQL('x{m=~"$custom"}', vars)).toBe('x{m=~".*"}');
  });

  it('leaves bare positions (metric names) unquoted', () => {
    expect(interpolatePromQL('sum by (le) (rate(${metric}_bucket[$step]))', vars)).toBe(
      'sum by (le) (rate(ml_feature_value_bucket[5m]))'
    );
  });

  it('does not treat variables inside comments or values as string delimiters', () => {
    expect(interpolatePromQL('x{a="$quoted", b="$model"} # "$model', vars)).toBe('x{a="it\\"s", b="fraud"} # "fraud');
  });

  it('leaves unknown variables and text without variables alone', () => {
    expect(interpolatePromQL('x{a="$nope"}', vars)).toBe('x{a="$nope"}');
    expect(interpolatePromQL('up', vars)).toBe('up');
  });
});

describe('interpolateSQL', () => {
  it('escapes a value inside a string literal', () => {
    expect(interpolateSQL("WHERE name = '$sq'", vars)).toBe("WHERE name = 'o\\'brien'");
  });

  it("turns several values inside quotes into 'a','b'", () => {
    expect(interpolateSQL("WHERE model IN ('$models')", vars)).toBe("WHERE model IN ('fraud','churn.v2')");
  });

  it('quotes several values outside strings for IN ($var)', () => {
    expect(interpolateSQL('WHERE model IN ($models)', vars)).toBe("WHERE model IN ('fraud','churn.v2')");
    expect(interpolateSQL('WHERE model IN ($all)', vars)).toBe("WHERE model IN ('a','b|c')");
  });

  it('keeps a single bare value (a table name) as written', () => {
    expect(interpolateSQL('SELECT * FROM $table', vars)).toBe('SELECT * FROM events');
  });

  it('doubles the quote inside quoted identifiers', () => {
    expect(interpolateSQL('SELECT `$table` FROM t', fakeReplace({ table: { value: 'a`b' } }))).toBe(
      'SELECT `a``b` FROM t'
    );
  });

  it('skips comments when deciding the position', () => {
    expect(interpolateSQL("-- it's\nSELECT $table /* ' */ WHERE x = '$sq'", vars)).toBe(
      "-- it's\nSELECT events /* ' */ WHERE x = 'o\\'brien'"
    );
  });
});

describe('interpolateList', () => {
  it('expands a multi-value element into several and drops duplicates', () => {
    expect(interpolateList(['$feature', 'age', 'score'], vars)).toEqual(['age', 'income', 'score']);
  });
});

describe('interpolateQuery', () => {
  const query: MlQuery = {
    refId: '$model',
    queryType: 'drift',
    source: 'prometheus',
    prometheus: {
      input: 'samples',
      expr: 'x{model=~"$models"}',
      matchers: 'model="$quoted"',
      features: ['$feature'],
      featureLabel: 'feature',
    },
    clickhouse: {
      sql: "SELECT * FROM $table WHERE m IN ($models) AND n = '$sq'",
      columns: ['$feature'],
      filters: [
        { column: 'model', op: 'in', value: '$models' },
        { column: 'model', op: '=', value: '$model' },
      ],
    },
    reference: { mode: 'offset', offset: '$step' },
    step: '$step',
    gpu: { namespace: '$ns', metrics: ['$metric'] },
    traces: { service: '$model', attributes: [{ key: 'k', op: '=', value: '$model' }] },
  };
  const out = interpolateQuery(query, vars);

  it('never templates the query identity', () => {
    expect(out.refId).toBe('$model');
    expect(out.queryType).toBe('drift');
  });

  it('escapes each field for where its text goes', () => {
    expect(out.prometheus?.expr).toBe('x{model=~"fraud|churn\\\\.v2"}');
    expect(out.prometheus?.matchers).toBe('model="it\\"s"');
    expect(out.clickhouse?.sql).toBe("SELECT * FROM events WHERE m IN ('fraud','churn.v2') AND n = 'o\\'brien'");
    expect(out.gpu?.namespace).toBe('team-a|team\\.b');
  });

  it('expands lists and in-filters to several values', () => {
    expect(out.prometheus?.features).toEqual(['age', 'income']);
    expect(out.clickhouse?.columns).toEqual(['age', 'income']);
    expect(out.gpu?.metrics).toEqual(['ml_feature_value']);
    expect(out.clickhouse?.filters?.[0].value).toEqual(['fraud', 'churn.v2']);
    expect(out.clickhouse?.filters?.[1].value).toBe('fraud');
  });

  it('replaces plain text fields, nested ones included', () => {
    expect(out.reference?.offset).toBe('5m');
    expect(out.step).toBe('5m');
    expect(out.traces?.service).toBe('fraud');
    expect(out.traces?.attributes?.[0].value).toBe('fraud');
  });

  it('does not change the saved query', () => {
    expect(query.prometheus?.expr).toBe('x{model=~"$models"}');
  });
});
