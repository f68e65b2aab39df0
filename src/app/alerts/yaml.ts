/**
 * A small YAML writer for the documents the renderers produce (maps, lists,
 * strings, numbers, booleans), so that the template system has no runtime
 * dependency and works the same in the browser, in jest and in Node.
 *
 * Output is block style with two-space indents. Strings are plain when no
 * YAML 1.1 or 1.2 reader (Prometheus and Alertmanager use go-yaml, Grafana
 * too, kubectl sigs.k8s.io/yaml) could read them as anything else, block
 * literals (|-) when they span lines, and JSON double-quoted otherwise (a
 * JSON string is a valid YAML double-quoted scalar).
 */

type Scalar = string | number | boolean | null | undefined;

const RESERVED =
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~)$/;
// Anything a YAML 1.1 or 1.2 reader might take for a number or date.
const NUMBERISH =
  /^[-+]?(?:\d[\d_]*(?:\.[\d_]*)?(?:[eE][-+]?\d+)?|\.\d[\d_]*(?:[eE][-+]?\d+)?|0[xX][\da-fA-F_]+|0[oO]?[0-7_]+|0b[01_]+|\.(?:inf|Inf|INF|nan|NaN|NAN)|[\d_]+(?::[0-5]?\d)+(?:\.[\d_]*)?)$|^\d{4}-\d\d?-\d\d?/;

function plainOk(s: string): boolean {
  if (s === '' || RESERVED.test(s) || NUMBERISH.test(s)) {
    return false;
  }
  if (!/^[A-Za-z0-9_/.($]/.test(s) || /\s$/.test(s)) {
    return false;
  }
  // ": " starts a mapping, " #" a comment; control characters need escapes.
  if (/: |:$| #|[\u0000-\u001f\u007f]/.test(s)) {
    return false;
  }
  return true;
}

function quoted(s: string): string {
  return JSON.stringify(s);
}

function scalar(v: Scalar): string {
  if (v === null || v === undefined) {
    return 'null';
  }
  if (typeof v === 'boolean') {
    return v ? 'true' : 'false';
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) {
      return Number.isNaN(v) ? '.nan' : v > 0 ? '.inf' : '-.inf';
    }
    return String(v);
  }
  return plainOk(v) ? v : quoted(v);
}

/** A block literal for a multi-line string, or undefined when one cannot hold it exactly. */
function literal(s: string, indent: string): string | undefined {
  if (!s.includes('\n') || s.includes('\r') || /^[ \t]/.test(s) || /[\u0000-\u0008\u000b-\u001f\u007f]/.test(s)) {
    return undefined;
  }
  let chomp = '-';
  let body = s;
  if (s.endsWith('\n')) {
    if (s.endsWith('\n\n')) {
      return undefined;
    }
    chomp = '';
    body = s.slice(0, -1);
  }
  const lines = body.split('\n').map((l) => (l === '' ? '' : indent + l));
  return `|${chomp}\n${lines.join('\n')}`;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value after "key:" or "- ", and whether it starts on the next line. */
function value(v: unknown, indent: number): string {
  const pad = ' '.repeat(indent + 2);
  if (Array.isArray(v)) {
    return v.length === 0 ? ' []' : `\n${seq(v, indent + 2)}`;
  }
  if (isMap(v)) {
    const entries = Object.entries(v).filter(([, x]) => x !== undefined);
    return entries.length === 0 ? ' {}' : `\n${map(v, indent + 2)}`;
  }
  if (typeof v === 'string') {
    const lit = literal(v, pad);
    if (lit) {
      return ` ${lit}`;
    }
  }
  return ` ${scalar(v as Scalar)}`;
}

function map(m: Record<string, unknown>, indent: number): string {
  const pad = ' '.repeat(indent);
  return Object.entries(m)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${pad}${scalar(k)}:${value(v, indent)}`)
    .join('\n');
}

function seq(items: unknown[], indent: number): string {
  const pad = ' '.repeat(indent);
  return items
    .map((item) => {
      if (isMap(item) && Object.keys(item).length > 0) {
        // The first entry sits on the dash line; the rest align with it.
        const inner = map(item, indent + 2);
        return `${pad}- ${inner.slice(indent + 2)}`;
      }
      if (Array.isArray(item) && item.length > 0) {
        return `${pad}-\n${seq(item, indent + 2)}`;
      }
      return `${pad}-${value(item, indent)}`;
    })
    .join('\n');
}

/** A YAML document for a map or list, ending in a newline. */
export function stringifyYaml(doc: unknown): string {
  if (Array.isArray(doc)) {
    return doc.length === 0 ? '[]\n' : `${seq(doc, 0)}\n`;
  }
  if (isMap(doc)) {
    return Object.keys(doc).length === 0 ? '{}\n' : `${map(doc, 0)}\n`;
  }
  return `${scalar(doc as Scalar)}\n`;
}
