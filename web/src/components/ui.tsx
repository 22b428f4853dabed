// Small shared pieces: headings, problem messages, status badges, JSON blocks and formatting.
import type { ReactNode, Ref } from 'react';
import { ApiError } from '../api';

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="page-header">
      <h1>{title}</h1>
      {children ? <div className="actions">{children}</div> : null}
    </div>
  );
}

/** An API problem as a person reads it: title, detail and each field it names. */
export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const problem =
    error instanceof ApiError
      ? error.problem
      : { title: 'Something went wrong', status: 0, detail: String((error as Error).message ?? error) };
  return (
    <div className="error" role="alert">
      <strong>{problem.title}</strong>
      {problem.detail ? <span> — {problem.detail}</span> : null}
      {problem.errors?.length ? (
        <ul>
          {problem.errors.map((e) => (
            <li key={`${e.path}:${e.message}`}>
              <code>{e.path}</code> {e.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge status-${status}`}>{status.replace('_', ' ')}</span>;
}

export function Json({ value, label }: { value: unknown; label?: string }) {
  const text = typeof value === 'string' ? value : (JSON.stringify(value, null, 2) ?? 'null');
  return (
    // A scrollable block must be reachable by keyboard (WCAG 2.1.1), hence a labelled, focusable region.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: scrollable content has to take focus to be scrolled by keys
    <section className="json" aria-label={label ?? 'JSON'} tabIndex={0}>
      <pre>{text}</pre>
    </section>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function Loading() {
  return (
    <p className="muted" aria-live="polite">
      Loading…
    </p>
  );
}

export function When({ at }: { at?: string }) {
  if (!at) return <span className="muted">—</span>;
  const date = new Date(at);
  return (
    <time dateTime={at} title={date.toISOString()}>
      {date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' })}
    </time>
  );
}

export function formatDuration(ms: number | undefined): string {
  if (ms === undefined) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  // Whole units, rounded down: 23 h 59 min, never 23 h 60 min.
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.floor((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.floor((ms % 3_600_000) / 60_000)} min`;
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '—';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatUsd(usd: number | null | undefined): string {
  if (usd === undefined || usd === null) return '—';
  return `$${usd < 0.01 && usd > 0 ? usd.toFixed(6) : usd.toFixed(4)}`;
}

/** A fresh Idempotency-Key per user action: a double click or a retried request applies once. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/** A table's scrolling box: a labelled region that takes focus, so a keyboard can scroll it (WCAG 2.1.1). */
export function TableBox({
  label,
  className,
  ref,
  children,
}: {
  label: string;
  className?: string;
  ref?: Ref<HTMLElement>;
  children: ReactNode;
}) {
  return (
    <section
      className={`table-scroll${className ? ` ${className}` : ''}`}
      aria-label={label}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling table has to take focus to be scrolled by keys
      tabIndex={0}
      ref={ref}
    >
      {children}
    </section>
  );
}

/** A button in a table row: says what it does, and (to a screen reader) to which row's item. */
export function RowButton({
  action,
  item,
  danger = false,
  onClick,
}: {
  action: string;
  item: string;
  danger?: boolean;
  onClick: () => void;
}) {
  return (
    <button type="button" className={danger ? 'danger' : undefined} onClick={onClick}>
      {action}
      <span className="sr-only"> {item}</span>
    </button>
  );
}

/** A table's header row: one column header per name (a `false` entry is a column this role does not see). */
export function TableHead({ columns }: { columns: Array<string | false> }) {
  return (
    <thead>
      <tr>
        {columns
          .filter((column) => column !== false)
          .map((column) => (
            <th key={column} scope="col">
              {column}
            </th>
          ))}
      </tr>
    </thead>
  );
}

/** A secret the API shows once (a new API key): a read-only field that selects itself for copying. */
export function ShownOnce({
  id,
  label,
  value,
  children,
}: {
  id: string;
  label: string;
  value: string;
  children: ReactNode;
}) {
  return (
    <div className="ok" role="status">
      <p>{children}</p>
      <label htmlFor={id}>{label}</label>
      <input id={id} readOnly value={value} className="mono" onFocus={(e) => e.target.select()} />
    </div>
  );
}

/** A labelled text input of a form grid; `multiline` makes it a monospace textarea (JSON). */
export function TextField({
  id,
  label,
  value,
  onChange,
  multiline = false,
  ...rest
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  multiline?: boolean;
  required?: boolean;
  placeholder?: string;
  'aria-describedby'?: string;
}) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea
          id={id}
          className="mono"
          value={value}
          onChange={(e) => onChange(e.target.value)}
          {...rest}
        />
      ) : (
        <input id={id} value={value} onChange={(e) => onChange(e.target.value)} {...rest} />
      )}
    </>
  );
}
