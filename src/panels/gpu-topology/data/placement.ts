/** Where the issue list goes and how big it is: pure, for the panel to render. */
import type { IssueListPlacement } from './options';

export interface ListPlacement {
  placement: 'right' | 'bottom';
  /** Width of a list on the right (0 for bottom). */
  width: number;
  /** Height of a list at the bottom (0 for right). */
  height: number;
}

/** Where the issue list goes and how big it is, given the panel size. */
export function listPlacement(
  option: IssueListPlacement,
  width: number,
  height: number,
  issues: number
): ListPlacement | undefined {
  const right: ListPlacement = {
    placement: 'right',
    width: Math.round(Math.min(280, Math.max(190, width * 0.22))),
    height: 0,
  };
  const bottom: ListPlacement = {
    placement: 'bottom',
    width: 0,
    height: Math.round(Math.min(140, Math.max(76, height * 0.25))),
  };
  switch (option) {
    case 'hidden':
      return undefined;
    case 'right':
      return width >= 360 ? right : undefined;
    case 'bottom':
      return height >= 180 ? bottom : undefined;
    default:
      if (issues === 0) {
        return undefined;
      }
      if (width >= 640) {
        return right;
      }
      return height >= 280 ? bottom : undefined;
  }
}
