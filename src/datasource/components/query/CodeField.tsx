import React, { useEffect, useRef } from 'react';
import { CodeEditor, type Monaco, type MonacoEditor } from '@grafana/ui';

import { PROMQL_LANGUAGE_ID, promqlMonarch } from '../../data/promqlLanguage';

interface Props {
  id: string;
  /** Accessible name of the editor's text area. */
  label: string;
  language: 'promql' | 'sql';
  value?: string;
  onChange: (v: string | undefined) => void;
  /** Runs the query: on blur and on Shift+Enter, as Grafana's code editors do. */
  onCommit: () => void;
  height?: number;
  placeholder?: string;
}

function registerPromQL(monaco: Monaco) {
  if (!monaco.languages.getLanguages().some((l) => l.id === PROMQL_LANGUAGE_ID)) {
    monaco.languages.register({ id: PROMQL_LANGUAGE_ID });
    monaco.languages.setMonarchTokensProvider(PROMQL_LANGUAGE_ID, promqlMonarch as never);
    monaco.languages.setLanguageConfiguration(PROMQL_LANGUAGE_ID, {
      brackets: [
        ['{', '}'],
        ['[', ']'],
        ['(', ')'],
      ],
      autoClosingPairs: [
        { open: '{', close: '}' },
        { open: '[', close: ']' },
        { open: '(', close: ')' },
        { open: '"', close: '"' },
      ],
    });
  }
}

/**
 * Grafana's code editor (Monaco) with PromQL or SQL highlighting. Tab moves
 * focus out of the editor after Ctrl+M (Monaco's standard toggle).
 */
export function CodeField({ id, label, language, value, onChange, onCommit, height = 90, placeholder }: Props) {
  // CodeEditor subscribes its onChange once, at mount: keep the latest handlers in refs.
  const commitRef = useRef(onCommit);
  const changeRef = useRef(onChange);
  useEffect(() => {
    commitRef.current = onCommit;
    changeRef.current = onChange;
  });
  return (
    <div id={id} data-testid={id} title={placeholder}>
      <CodeEditor
        value={value ?? ''}
        language={language === 'promql' ? PROMQL_LANGUAGE_ID : 'sql'}
        height={height}
        showLineNumbers={language === 'sql'}
        showMiniMap={false}
        monacoOptions={{
          ariaLabel: label,
          fontSize: 13,
          wordWrap: 'on',
          scrollBeyondLastLine: false,
          renderLineHighlight: 'none',
          lineNumbersMinChars: 3,
        }}
        onBeforeEditorMount={registerPromQL}
        onEditorDidMount={(editor: MonacoEditor, monaco: Monaco) => {
          editor.addCommand(monaco.KeyMod.Shift | monaco.KeyCode.Enter, () => {
            changeRef.current(editor.getValue() || undefined);
            commitRef.current();
          });
        }}
        onChange={(v) => changeRef.current(v === '' ? undefined : v)}
        onBlur={(v) => {
          changeRef.current(v === '' ? undefined : v);
          commitRef.current();
        }}
      />
    </div>
  );
}
