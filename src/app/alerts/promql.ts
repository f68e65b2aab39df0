/**
 * Small helpers to write PromQL from parameters. Parameter values are
 * validated before they get here (label and metric names by syntax,
 * matchers by grammar), so the helpers only join and escape.
 */

/** A number as PromQL and Grafana should read it: no float noise (14.4 * 0.005 -> 0.072). */
export function num(value: number): string {
  if (Number.isInteger(value)) {
    return String(value);
  }
  return String(clean(value));
}

/** Rounds away binary float noise (12 significant digits). */
export function clean(value: number): number {
  return Number.isFinite(value) ? parseFloat(value.toPrecision(12)) : value;
}

/** A PromQL double-quoted string literal. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/**
 * A selector: metric{m1, m2} with empty matchers left out. Each matcher is
 * either a complete matcher string (`code=~"5.."`) or the user's extra
 * matchers (already a comma-separated list).
 */
export function selector(metric: string, ...matchers: Array<string | undefined>): string {
  const parts = matchers.map((m) => (m ?? '').trim().replace(/\s*,$/, '')).filter((m) => m !== '');
  return parts.length === 0 ? metric : `${metric}{${parts.join(', ')}}`;
}

/** `label op "value"` */
export function matcher(label: string, op: '=' | '!=' | '=~' | '!~', value: string): string {
  return `${label}${op}${quote(value)}`;
}

/** `by (a, b)` */
export function by(...labels: string[]): string {
  return `by (${labels.join(', ')})`;
}

/** `on (a, b)` */
export function on(...labels: string[]): string {
  return `on (${labels.join(', ')})`;
}

/** Indents every line after the first by `n` spaces, to nest a multi-line expression. */
export function indent(expr: string, n = 2): string {
  const pad = ' '.repeat(n);
  return expr
    .split('\n')
    .map((line, i) => (i === 0 ? line : pad + line))
    .join('\n');
}

/**
 * Whether an expression has, outside brackets and strings, an operator that
 * binds less tightly than a comparison (and, or, unless) or a comparison:
 * then `expr > x` would not compare the whole expression and it needs
 * parentheses.
 */
export function needsParens(expr: string): boolean {
  let depth = 0;
  let top = '';
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i];
    if (c === '"' || c === "'" || c === '`') {
      // Skip a string literal.
      const end = c;
      i++;
      while (i < expr.length && expr[i] !== end) {
        if (expr[i] === '\\' && end !== '`') {
          i++;
        }
        i++;
      }
      top += ' ';
      continue;
    }
    if (c === '(' || c === '{' || c === '[') {
      depth++;
      top += ' ';
      continue;
    }
    if (c === ')' || c === '}' || c === ']') {
      depth--;
      top += ' ';
      continue;
    }
    top += depth === 0 ? c : ' ';
  }
  return /\b(and|or|unless)\b|[<>]=?|==|!=/.test(top);
}

/** `signal op threshold`, with parentheses around the signal when it needs them. */
export function compare(signal: string, op: string, threshold: number): string {
  const left = needsParens(signal) ? `(\n  ${indent(signal)}\n)` : signal;
  return `${left} ${op} ${num(threshold)}`;
}
