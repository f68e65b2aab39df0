import type { MlQuery } from '../types';
import { describeOverTime, describeReference, formatInstant, type RangeInfo } from './reference';

const H = 3600e3;
const now = Date.UTC(2026, 10, 27, 12, 0);
const lastHour: RangeInfo = { from: now - H, to: now, endsNow: true };
const drift = (q: Partial<MlQuery> = {}): MlQuery => ({ refId: 'A', queryType: 'drift', source: 'prometheus', ...q });

describe('describeReference', () => {
  it('says what the default offset compares', () => {
    expect(describeReference(drift(), lastHour).sentence).toBe(
      'Compare the last 1 hour with the same hour 7 days earlier.'
    );
  });

  it('uses the given offset and range length', () => {
    const r = describeReference(drift({ reference: { offset: '1d' } }), { from: now - 6 * H, to: now, endsNow: true });
    expect(r.sentence).toBe('Compare the last 6 hours with the same 6 hours 1 day earlier.');
    expect(r.warning).toBeUndefined();
  });

  it('warns when the offset makes the windows overlap', () => {
    const r = describeReference(drift({ reference: { offset: '1h' } }), { from: now - 6 * H, to: now, endsNow: true });
    expect(r.warning).toBe('The offset (1 hour) is shorter than the range (6 hours): the two windows overlap.');
  });

  it('names a fixed current range in UTC', () => {
    const r = describeReference(drift({ reference: { offset: '7d' } }), { from: now - H, to: now, endsNow: false });
    expect(r.sentence).toBe('Compare 2026-11-27 11:00 to 2026-11-27 12:00 UTC with the same hour 7 days earlier.');
  });

  it('asks for an offset that is not a duration, and repeats a variable as written', () => {
    expect(describeReference(drift({ reference: { offset: 'week' } }), lastHour).sentence).toBe(
      'Compare the last 1 hour with an earlier window: give the offset, such as 7d.'
    );
    expect(describeReference(drift({ reference: { offset: '$offset' } }), lastHour).sentence).toBe(
      'Compare the last 1 hour with the same window shifted back by $offset.'
    );
  });

  it('describes an absolute range and warns about overlap', () => {
    const q = drift({ reference: { mode: 'absolute', from: '2026-11-20T00:00:00Z', to: '2026-11-21T00:00:00Z' } });
    expect(describeReference(q, lastHour)).toEqual({
      sentence: 'Compare the last 1 hour with 2026-11-20 00:00 to 2026-11-21 00:00 UTC.',
    });
    const overlapping = drift({
      reference: { mode: 'absolute', from: '2026-11-27T11:30:00Z', to: '2026-11-27T13:00:00Z' },
    });
    expect(describeReference(overlapping, lastHour).warning).toMatch(/overlaps/);
    expect(describeReference(drift({ reference: { mode: 'absolute' } }), lastHour).sentence).toMatch(
      /pick its start and end/
    );
  });

  it('describes a baseline table', () => {
    const q = drift({ source: 'clickhouse', reference: { mode: 'baseline', database: 'ml', table: 'training_set' } });
    expect(describeReference(q, lastHour).sentence).toBe(
      'Compare the last 1 hour with all rows of the baseline table ml.training_set.'
    );
  });

  it('works without a time range', () => {
    expect(describeReference(drift(), undefined).sentence).toBe(
      'Compare the dashboard time range with the same window 7 days earlier.'
    );
  });

  it('adds the over-time sentence', () => {
    const q = drift({ overTime: true, step: '5m', window: '1h' });
    expect(describeReference(q, lastHour).sentence).toBe(
      'Compare the last 1 hour with the same hour 7 days earlier. Over time: a score every 5 minutes, each for the 1 hour before it.'
    );
    expect(describeOverTime(drift({ overTime: true }))).toBe(
      'Over time: a score every panel interval, each for the step before it.'
    );
  });
});

test('formatInstant is UTC', () => {
  expect(formatInstant(Date.UTC(2026, 0, 2, 3, 4))).toBe('2026-01-02 03:04');
});
