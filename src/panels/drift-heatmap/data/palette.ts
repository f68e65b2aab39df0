import {
  colorManipulator,
  FieldColorModeId,
  fieldColorModeRegistry,
  FieldType,
  getFieldColorModeForField,
  type Field,
  type GrafanaTheme2,
} from '@grafana/data';

/** Continuous schemes are sampled into this many colours: enough for a smooth ramp, few enough to batch. */
export const CONTINUOUS_STEPS = 64;

export const DEFAULT_COLOR_MODE = FieldColorModeId.ContinuousGrYlRd;

/**
 * The colours cells can take. Continuous schemes are sampled at evenly
 * spaced scale positions; "From thresholds" uses one colour per step.
 */
export interface Palette {
  kind: 'continuous' | 'steps';
  modeId: string;
  modeName: string;
  /** CSS colours, one per bucket. */
  colors: string[];
  /** The same colours blended over the panel background and packed for ImageData (RGBA bytes, little-endian). */
  packed: Uint32Array;
  /** For steps: the lower bound of each step (the first is -Infinity). */
  stepValues?: number[];
  /** Set when the field's colour mode cannot colour by value and a default was used. */
  fallbackFrom?: string;
}

interface Rgba {
  r: number;
  g: number;
  b: number;
  a: number;
}

/** Parses a CSS colour (hex, rgb[a], hsl[a]); unknown strings come back as transparent. */
export function parseColor(css: string): Rgba {
  if (css === 'transparent') {
    return { r: 0, g: 0, b: 0, a: 0 };
  }
  try {
    let c = colorManipulator.decomposeColor(css);
    if (c.type.startsWith('hsl')) {
      c = colorManipulator.decomposeColor(colorManipulator.hslToRgb(c));
    }
    const [r, g, b] = c.values;
    const a = c.values.length > 3 ? Number(c.values[3]) : 1;
    return { r: Number(r), g: Number(g), b: Number(b), a: Number.isFinite(a) ? a : 1 };
  } catch {
    return { r: 0, g: 0, b: 0, a: 0 };
  }
}

/** Packs a colour blended over an opaque background into ImageData's byte order (little-endian RGBA). */
export function packOver(css: string, background: string): number {
  const c = parseColor(css);
  const bg = parseColor(background);
  const mix = (fg: number, back: number) => Math.round(fg * c.a + back * (1 - c.a));
  const r = mix(c.r, bg.r);
  const g = mix(c.g, bg.g);
  const b = mix(c.b, bg.b);
  return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
}

const placeholderField: Field = { name: 'score', type: FieldType.number, config: {}, values: [] };

/** Builds the palette from the field's colour mode (Grafana's colour schemes). */
export function buildPalette(field: Field | undefined, theme: GrafanaTheme2, background: string): Palette {
  const mode = field ? getFieldColorModeForField(field) : fieldColorModeRegistry.get(DEFAULT_COLOR_MODE);
  const steps = field?.config.thresholds?.steps ?? [];
  if (mode.id === FieldColorModeId.Thresholds && steps.length > 0) {
    const sorted = [...steps].sort((a, b) => (a.value ?? -Infinity) - (b.value ?? -Infinity));
    const colors = sorted.map((s) => theme.visualization.getColorByName(s.color));
    return {
      kind: 'steps',
      modeId: mode.id,
      modeName: mode.name,
      colors,
      packed: Uint32Array.from(colors, (c) => packOver(c, background)),
      stepValues: sorted.map((s, i) => (i === 0 || typeof s.value !== 'number' ? -Infinity : s.value)),
    };
  }
  let usable = mode;
  let fallbackFrom: string | undefined;
  if (!mode.isByValue || mode.id === FieldColorModeId.Thresholds) {
    // Series palettes (classic, fixed, shades) colour series, not values.
    fallbackFrom = mode.id === FieldColorModeId.Thresholds ? undefined : mode.name;
    usable = fieldColorModeRegistry.get(DEFAULT_COLOR_MODE);
  }
  const calc = usable.getCalculator(field ?? placeholderField, theme);
  const colors: string[] = [];
  for (let i = 0; i < CONTINUOUS_STEPS; i++) {
    const pct = i / (CONTINUOUS_STEPS - 1);
    colors.push(calc(pct, pct, undefined));
  }
  return {
    kind: 'continuous',
    modeId: usable.id,
    modeName: usable.name,
    colors,
    packed: Uint32Array.from(colors, (c) => packOver(c, background)),
    fallbackFrom,
  };
}
