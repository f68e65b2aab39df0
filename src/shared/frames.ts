import { FieldType, type DataFrame, type Field } from '@grafana/data';

/** Finds a field by name (case-insensitive), optionally of a given type. */
export function findField(frame: DataFrame, names: string[], type?: FieldType): Field | undefined {
  const wanted = names.map((n) => n.toLowerCase());
  return frame.fields.find((f) => wanted.includes(f.name.toLowerCase()) && (type === undefined || f.type === type));
}

/** True when any frame has at least one row. */
export function hasRows(frames: DataFrame[]): boolean {
  return frames.some((f) => f.length > 0);
}

/** A label value of a field, trying names in order. */
export function labelOf(field: Field, names: string[]): string | undefined {
  for (const n of names) {
    const v = field.labels?.[n];
    if (v !== undefined && v !== '') {
      return v;
    }
  }
  return undefined;
}

/** The result of checking whether frames fit a panel's data contract. */
export type Support =
  | { kind: 'ok'; summary: string }
  | { kind: 'empty'; message: string; needs: string }
  | { kind: 'unsupported'; message: string; needs: string };
