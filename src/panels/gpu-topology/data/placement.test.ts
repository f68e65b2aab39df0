import { listPlacement } from './placement';

describe('listPlacement', () => {
  it('auto: no list without issues, right on wide panels, bottom on tall narrow ones, none on small', () => {
    expect(listPlacement('auto', 1200, 600, 0)).toBeUndefined();
    expect(listPlacement('auto', 1200, 600, 3)).toEqual({ placement: 'right', width: 264, height: 0 });
    expect(listPlacement('auto', 500, 400, 3)).toEqual({ placement: 'bottom', width: 0, height: 100 });
    expect(listPlacement('auto', 500, 200, 3)).toBeUndefined();
  });

  it('keeps the list within bounds', () => {
    expect(listPlacement('right', 4000, 600, 1)!.width).toBe(280);
    expect(listPlacement('right', 700, 600, 1)!.width).toBe(190);
    expect(listPlacement('bottom', 800, 2000, 1)!.height).toBe(140);
    expect(listPlacement('bottom', 800, 200, 1)!.height).toBe(76);
  });

  it('honours right, bottom and hidden when there is room, even without issues', () => {
    expect(listPlacement('right', 800, 400, 0)?.placement).toBe('right');
    expect(listPlacement('right', 300, 400, 0)).toBeUndefined();
    expect(listPlacement('bottom', 800, 400, 0)?.placement).toBe('bottom');
    expect(listPlacement('bottom', 800, 150, 0)).toBeUndefined();
    expect(listPlacement('hidden', 2000, 1000, 9)).toBeUndefined();
  });
});
