// A form built from a recipe's inputSchema: one field per property (text, email, number, checkbox, choice,
// or JSON for objects and arrays), required ones marked; without properties, one JSON field.
import { type FormEvent, useState } from 'react';
import type { JsonSchema } from '../types';

export function InputForm({
  schema,
  submitLabel,
  busy,
  onSubmit,
}: {
  schema?: JsonSchema;
  submitLabel: string;
  busy?: boolean;
  onSubmit: (input: unknown) => void;
}) {
  const properties = Object.entries(schema?.properties ?? {});
  const required = new Set(schema?.required ?? []);
  const [values, setValues] = useState<Record<string, string | boolean>>({});
  const [problem, setProblem] = useState<string>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setProblem(undefined);
    try {
      if (properties.length === 0) {
        onSubmit(JSON.parse(String(values.$json ?? '{}')));
        return;
      }
      const input: Record<string, unknown> = {};
      for (const [name, field] of properties) {
        const raw = values[name];
        if (raw === undefined || raw === '') continue;
        input[name] = convert(field, raw, name);
      }
      onSubmit(input);
    } catch (error) {
      setProblem((error as Error).message);
    }
  };
  return (
    <form onSubmit={submit} className="input-form">
      {properties.length === 0 ? (
        <>
          <label htmlFor="input-json">Input (JSON)</label>
          <textarea
            id="input-json"
            className="mono"
            value={String(values.$json ?? '{}')}
            onChange={(e) => setValues({ $json: e.target.value })}
          />
        </>
      ) : (
        properties.map(([name, field]) => {
          const id = `input-${name}`;
          const type = Array.isArray(field.type) ? field.type[0] : field.type;
          const label = (
            <label htmlFor={id}>
              {name}
              {required.has(name) ? <span aria-hidden="true"> *</span> : null}
              {field.description ? <span className="muted small"> — {field.description}</span> : null}
            </label>
          );
          if (type === 'boolean')
            return (
              <div key={name} className="check">
                <input
                  id={id}
                  type="checkbox"
                  checked={values[name] === true}
                  onChange={(e) => setValues({ ...values, [name]: e.target.checked })}
                />
                {label}
              </div>
            );
          return (
            <div key={name} className="field">
              {label}
              {field.enum ? (
                <select
                  id={id}
                  required={required.has(name)}
                  value={String(values[name] ?? '')}
                  onChange={(e) => setValues({ ...values, [name]: e.target.value })}
                >
                  <option value="">—</option>
                  {field.enum.map((option) => (
                    <option key={String(option)} value={String(option)}>
                      {String(option)}
                    </option>
                  ))}
                </select>
              ) : type === 'object' || type === 'array' ? (
                <textarea
                  id={id}
                  className="mono"
                  required={required.has(name)}
                  value={String(values[name] ?? '')}
                  onChange={(e) => setValues({ ...values, [name]: e.target.value })}
                />
              ) : (
                <input
                  id={id}
                  type={
                    type === 'number' || type === 'integer'
                      ? 'number'
                      : field.format === 'email'
                        ? 'email'
                        : 'text'
                  }
                  step={type === 'integer' ? 1 : 'any'}
                  required={required.has(name)}
                  value={String(values[name] ?? '')}
                  onChange={(e) => setValues({ ...values, [name]: e.target.value })}
                />
              )}
            </div>
          );
        })
      )}
      {problem ? (
        <p className="error-text" role="status">
          {problem}
        </p>
      ) : null}
      <button type="submit" className="primary" disabled={busy}>
        {submitLabel}
      </button>
    </form>
  );
}

function convert(field: JsonSchema, raw: string | boolean, name: string): unknown {
  const type = Array.isArray(field.type) ? field.type[0] : field.type;
  if (typeof raw === 'boolean') return raw;
  if (type === 'number' || type === 'integer') return Number(raw);
  if (type === 'object' || type === 'array') {
    try {
      return JSON.parse(raw);
    } catch {
      throw new Error(`${name} is not valid JSON`);
    }
  }
  return raw;
}
