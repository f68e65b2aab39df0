/**
 * A Monarch tokenizer for PromQL, registered in Monaco under our own id so
 * that it never clashes with the Prometheus datasource's "promql".
 * Monaco ships SQL; it has no PromQL.
 */
export const PROMQL_LANGUAGE_ID = 'mlwatch-promql';

export const PROMQL_FUNCTIONS = [
  'abs', 'absent', 'absent_over_time', 'avg_over_time', 'ceil', 'changes', 'clamp', 'clamp_max', 'clamp_min',
  'count_over_time', 'day_of_month', 'day_of_week', 'delta', 'deriv', 'exp', 'floor', 'histogram_avg',
  'histogram_count', 'histogram_fraction', 'histogram_quantile', 'histogram_stddev', 'histogram_sum',
  'holt_winters', 'hour', 'idelta', 'increase', 'irate', 'label_join', 'label_replace', 'last_over_time', 'ln',
  'log10', 'log2', 'max_over_time', 'min_over_time', 'minute', 'month', 'predict_linear', 'present_over_time',
  'quantile_over_time', 'rate', 'resets', 'round', 'scalar', 'sgn', 'sort', 'sort_desc', 'sqrt',
  'stddev_over_time', 'stdvar_over_time', 'sum_over_time', 'time', 'timestamp', 'vector', 'year',
];

export const PROMQL_AGGREGATIONS = ['sum', 'min', 'max', 'avg', 'group', 'stddev', 'stdvar', 'count', 'count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio'];

export const PROMQL_KEYWORDS = ['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'bool', 'and', 'or', 'unless', 'atan2', '@', 'start', 'end'];

/** monaco.languages.IMonarchLanguage, kept as plain data so it needs no Monaco import. */
export const promqlMonarch = {
  defaultToken: '',
  ignoreCase: false,
  keywords: PROMQL_KEYWORDS,
  functions: [...PROMQL_FUNCTIONS, ...PROMQL_AGGREGATIONS],
  operators: ['+', '-', '*', '/', '%', '^', '==', '!=', '>', '<', '>=', '<=', '=~', '!~', '='],
  symbols: /[=><!~?:&|+\-*/^%]+/,
  tokenizer: {
    root: [
      [/#.*$/, 'comment'],
      [/\$\w+|\$\{[^}]+\}|\[\[[^\]]+\]\]/, 'variable'],
      [/\[\s*\d+(ms|[smhdwy])([\d]+(ms|[smhdwy]))*(\s*:\s*(\d+(ms|[smhdwy]))*)?\s*\]/, 'number'],
      [
        /[a-zA-Z_:][\w:]*/,
        {
          cases: {
            '@keywords': 'keyword',
            '@functions': 'type.identifier',
            '@default': 'identifier',
          },
        },
      ],
      [/"/, { token: 'string.quote', bracket: '@open', next: '@stringDouble' }],
      [/'/, { token: 'string.quote', bracket: '@open', next: '@stringSingle' }],
      [/`/, { token: 'string.quote', bracket: '@open', next: '@stringBacktick' }],
      [/\d+(\.\d+)?([eE][-+]?\d+)?/, 'number'],
      [/[{}()[\]]/, '@brackets'],
      [/@symbols/, { cases: { '@operators': 'operator', '@default': '' } }],
      [/[,]/, 'delimiter'],
      [/\s+/, 'white'],
    ],
    stringDouble: [
      [/\$\w+|\$\{[^}]+\}/, 'variable'],
      [/[^\\"$]+/, 'string'],
      [/\\./, 'string.escape'],
      [/"/, { token: 'string.quote', bracket: '@close', next: '@pop' }],
      [/./, 'string'],
    ],
    stringSingle: [
      [/\$\w+|\$\{[^}]+\}/, 'variable'],
      [/[^\\'$]+/, 'string'],
      [/\\./, 'string.escape'],
      [/'/, { token: 'string.quote', bracket: '@close', next: '@pop' }],
      [/./, 'string'],
    ],
    stringBacktick: [
      [/[^`]+/, 'string'],
      [/`/, { token: 'string.quote', bracket: '@close', next: '@pop' }],
    ],
  },
};
