import { createTheme, FieldColorModeId, FieldType, type Field } from '@grafana/data';

import { buildPalette, CONTINUOUS_STEPS, packOver, parseColor } from './palette';

const field = (color?: object, thresholds?: object): Field => ({
  name: 'score',
  type: FieldType.number,
  values: [],
  config: { color: color as never, thresholds: thresholds as never },
});

describe('palette', () => {
  it.each(['dark', 'light'] as const)('samples Green-Yellow-Red by default (%s)', (mode) => {
    const theme = createTheme({ colors: { mode } });
    const p = buildPalette(undefined, theme, theme.colors.background.primary);
    expect(p.kind).toBe('continuous');
    expect(p.modeId).toBe(FieldColorModeId.ContinuousGrYlRd);
    expect(p.colors).toHaveLength(CONTINUOUS_STEPS);
    expect(p.packed).toHaveLength(CONTINUOUS_STEPS);
    // Opaque: blended over the background.
    expect(p.packed[0] >>> 24).toBe(255);
  });

  it('uses the field’s continuous scheme', () => {
    const theme = createTheme();
    const p = buildPalette(field({ mode: FieldColorModeId.ContinuousBlPu }), theme, '#111217');
    expect(p.modeId).toBe(FieldColorModeId.ContinuousBlPu);
    expect(p.fallbackFrom).toBeUndefined();
  });

  it('falls back from series palettes and says so', () => {
    const p = buildPalette(field({ mode: FieldColorModeId.PaletteClassic }), createTheme(), '#000');
    expect(p.modeId).toBe(FieldColorModeId.ContinuousGrYlRd);
    expect(p.fallbackFrom).toBe('Classic palette');
  });

  it('falls back quietly from thresholds mode without steps', () => {
    const p = buildPalette(field({ mode: FieldColorModeId.Thresholds }), createTheme(), '#000');
    expect(p.kind).toBe('continuous');
    expect(p.fallbackFrom).toBeUndefined();
  });

  it('parses and packs colours', () => {
    expect(parseColor('#ff0000')).toEqual({ r: 255, g: 0, b: 0, a: 1 });
    expect(parseColor('rgb(1, 2, 3)')).toEqual({ r: 1, g: 2, b: 3, a: 1 });
    expect(parseColor('rgba(1, 2, 3, 0.5)').a).toBe(0.5);
    expect(parseColor('hsl(0, 100%, 50%)')).toMatchObject({ r: 255, g: 0, b: 0 });
    expect(parseColor('not a colour').a).toBe(0);
    expect(parseColor('transparent').a).toBe(0);
    // Little-endian RGBA: red in the low byte.
    expect(packOver('#ff0000', '#000000')).toBe(0xff0000ff);
    expect(packOver('rgba(255, 255, 255, 0.5)', '#000000') & 0xff).toBe(128);
  });
});
