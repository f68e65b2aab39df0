/** How a copy went: through the Clipboard API, the execCommand fallback, or not at all. */
export type CopyResult = 'clipboard' | 'fallback' | 'failed';

interface ClipboardEnv {
  clipboard?: Pick<Clipboard, 'writeText'>;
  secure: boolean;
  document: Document;
}

function browserEnv(): ClipboardEnv {
  return {
    clipboard: typeof navigator !== 'undefined' ? navigator.clipboard : undefined,
    secure: typeof window !== 'undefined' && window.isSecureContext,
    document,
  };
}

/**
 * Copies text. The Clipboard API needs a secure context and permission, which
 * Grafana behind plain HTTP or in an iframe often lacks; then a selected
 * textarea and execCommand('copy') still work in every browser Grafana
 * supports. When both fail the caller shows the text for manual copying.
 */
export async function copyText(text: string, env: ClipboardEnv = browserEnv()): Promise<CopyResult> {
  if (env.clipboard && env.secure) {
    try {
      await env.clipboard.writeText(text);
      return 'clipboard';
    } catch {
      // Permission denied or document not focused: try the fallback.
    }
  }
  const doc = env.document;
  const textarea = doc.createElement('textarea');
  textarea.value = text;
  textarea.setAttribute('readonly', '');
  textarea.style.position = 'fixed';
  textarea.style.top = '0';
  textarea.style.left = '0';
  textarea.style.opacity = '0';
  const active = doc.activeElement as HTMLElement | null;
  doc.body.appendChild(textarea);
  textarea.select();
  let ok = false;
  try {
    // Deprecated, but the only way to copy where the Clipboard API is unavailable.
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    ok = typeof doc.execCommand === 'function' && doc.execCommand('copy');
  } catch {
    ok = false;
  }
  textarea.remove();
  active?.focus?.();
  return ok ? 'fallback' : 'failed';
}
