import { copyText } from './clipboard';

describe('copyText', () => {
  afterEach(() => {
    delete (document as { execCommand?: unknown }).execCommand;
  });

  it('uses the Clipboard API in a secure context', async () => {
    const writeText = jest.fn().mockResolvedValue(undefined);
    await expect(copyText('abc', { clipboard: { writeText }, secure: true, document })).resolves.toBe('clipboard');
    expect(writeText).toHaveBeenCalledWith('abc');
  });

  it('falls back to execCommand when the API is missing or refuses', async () => {
    const exec = jest.fn().mockReturnValue(true);
    (document as { execCommand: unknown }).execCommand = exec;
    await expect(copyText('abc', { clipboard: undefined, secure: false, document })).resolves.toBe('fallback');
    const writeText = jest.fn().mockRejectedValue(new Error('denied'));
    await expect(copyText('abc', { clipboard: { writeText }, secure: true, document })).resolves.toBe('fallback');
    expect(exec).toHaveBeenCalledWith('copy');
    expect(document.querySelectorAll('textarea')).toHaveLength(0);
  });

  it('reports failure when nothing works', async () => {
    (document as { execCommand: unknown }).execCommand = () => false;
    await expect(copyText('abc', { clipboard: undefined, secure: false, document })).resolves.toBe('failed');
    (document as { execCommand: unknown }).execCommand = () => {
      throw new Error('nope');
    };
    await expect(copyText('abc', { clipboard: undefined, secure: true, document })).resolves.toBe('failed');
  });
});
