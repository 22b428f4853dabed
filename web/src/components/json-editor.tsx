// A JSON editor (CodeMirror 6): syntax errors marked as you type, the API's field errors marked on the field
// they name, and completion from a caller-supplied source (the step registry, for recipes).
import { autocompletion, type CompletionSource } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { json, jsonParseLinter } from '@codemirror/lang-json';
import { bracketMatching, foldGutter, syntaxTree } from '@codemirror/language';
import { type Diagnostic, linter, lintGutter, setDiagnostics } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import type { FieldError } from '../api';
import { locateJsonPath } from './json-paths';

export function JsonEditor({
  label,
  value,
  onChange,
  fieldErrors,
  complete,
  readOnly = false,
  minHeight = '12rem',
}: {
  label: string;
  value: string;
  onChange?: (text: string) => void;
  fieldErrors?: FieldError[];
  complete?: CompletionSource;
  readOnly?: boolean;
  minHeight?: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView>(null);
  const changed = useRef(onChange);
  changed.current = onChange;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the editor is built once; value changes are pushed below
  useEffect(() => {
    const state = EditorState.create({
      doc: value,
      extensions: [
        lineNumbers(),
        foldGutter(),
        history(),
        bracketMatching(),
        json(),
        EditorView.lineWrapping,
        linter(jsonParseLinter()),
        lintGutter(),
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        ...(complete ? [autocompletion({ override: [complete] })] : []),
        EditorState.readOnly.of(readOnly),
        // Focusable even when read-only: a long document must be reachable and scrollable by keyboard.
        EditorView.contentAttributes.of({ 'aria-label': label, 'aria-multiline': 'true', tabindex: '0' }),
        EditorView.theme({ '&': { minHeight }, '.cm-scroller': { minHeight } }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) changed.current?.(update.state.doc.toString());
        }),
      ],
    });
    view.current = new EditorView({ state, parent: host.current! });
    return () => view.current?.destroy();
  }, []);

  useEffect(() => {
    const editor = view.current;
    if (editor && editor.state.doc.toString() !== value)
      editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: value } });
  }, [value]);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const diagnostics: Diagnostic[] = (fieldErrors ?? []).map((error) => {
      const range = locateJsonPath(syntaxTree(editor.state), editor.state.doc.toString(), error.path);
      return {
        from: range.from,
        to: range.to,
        severity: 'error',
        message: `${error.path}: ${error.message}`,
      };
    });
    editor.dispatch(setDiagnostics(editor.state, diagnostics));
  }, [fieldErrors]);

  return <div className="json-editor" ref={host} />;
}
