import { formatDuration, hasVariable, humanDuration, parseDuration, sameWindowWords } from './duration';

describe('durations', () => {
  it('parses what pkg/models ParseDuration accepts', () => {
    expect(parseDuration('30s')).toBe(30e3);
    expect(parseDuration('1h30m')).toBe(5400e3);
    expect(parseDuration('7d')).toBe(7 * 86400e3);
    expect(parseDuration('2w')).toBe(14 * 86400e3);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('')).toBe(0);
    expect(parseDuration('0')).toBe(0);
  });

  it('rejects what Go rejects', () => {
    expect(parseDuration('5')).toBeUndefined();
    expect(parseDuration('1.5h')).toBeUndefined();
    expect(parseDuration('5 m')).toBeUndefined();
    expect(parseDuration('m5')).toBeUndefined();
  });

  it('formats as the backend does', () => {
    expect(formatDuration(5400e3)).toBe('1h30m');
    expect(formatDuration(7 * 86400e3)).toBe('7d');
    expect(formatDuration(0)).toBe('0s');
  });

  it('says durations in words', () => {
    expect(humanDuration(3600e3)).toBe('1 hour');
    expect(humanDuration(7 * 86400e3)).toBe('7 days');
    expect(humanDuration(90 * 60e3)).toBe('90 minutes');
    expect(sameWindowWords(3600e3)).toBe('hour');
    expect(sameWindowWords(2 * 3600e3)).toBe('2 hours');
  });

  it('recognises template variables', () => {
    expect(hasVariable('$offset')).toBe(true);
    expect(hasVariable('${offset}')).toBe(true);
    expect(hasVariable('[[offset]]')).toBe(true);
    expect(hasVariable('7d')).toBe(false);
    expect(hasVariable(undefined)).toBe(false);
  });
});
