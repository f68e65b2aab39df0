import type { GrafanaTheme2 } from '@grafana/data';

/**
 * One colour per service from the theme's palette, in order of first
 * appearance. Reds are left out so error marks stay unambiguous.
 */
export function serviceColors(theme: GrafanaTheme2, count: number): string[] {
  const names = theme.visualization.palette.filter((name) => !name.includes('red'));
  return Array.from({ length: count }, (_, i) => theme.visualization.getColorByName(names[i % names.length]));
}

/** Colours of the stage strip segments, by stage key. */
export function stageColor(theme: GrafanaTheme2, key: string): string {
  switch (key) {
    case 'preprocess':
      return theme.visualization.getColorByName('blue');
    case 'inference':
      return theme.visualization.getColorByName('purple');
    case 'postprocess':
      return theme.visualization.getColorByName('orange');
    default:
      return theme.colors.background.secondary;
  }
}
