// Triggers: uploads that start a recipe (by a filename prefix, or by naming the trigger); create and delete.
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, type Page } from '../api';
import { useCan } from '../auth';
import { Empty, ErrorNote, Loading, newIdempotencyKey, PageHeader, TableBox, When } from '../components/ui';
import { useAction } from '../components/use-action';
import type { Recipe } from '../types';

interface Trigger {
  id: string;
  recipeId: string;
  prefix?: string;
  input: Record<string, unknown>;
  description?: string;
  createdAt: string;
}

export function TriggersPage() {
  const canEdit = useCan('editor');
  const recipes = useQuery({
    queryKey: ['recipes'],
    queryFn: () => api<Page<Recipe>>('/v1/recipes', { query: { limit: 100 } }),
  });
  const triggers = useQuery({
    queryKey: ['triggers'],
    queryFn: () => api<Page<Trigger>>('/v1/triggers', { query: { limit: 100 } }),
  });
  const action = useAction([['triggers']]);
  const [form, setForm] = useState({ recipeId: '', prefix: '', input: '{}', description: '' });
  const create = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      let input: unknown;
      try {
        input = JSON.parse(form.input);
      } catch {
        throw new Error('Input is not valid JSON');
      }
      await api('/v1/triggers', {
        method: 'POST',
        idempotencyKey: newIdempotencyKey(),
        body: {
          recipeId: form.recipeId,
          input,
          ...(form.prefix ? { prefix: form.prefix } : {}),
          ...(form.description ? { description: form.description } : {}),
        },
      });
    });
  };
  return (
    <section>
      <PageHeader title="Triggers" />
      <ErrorNote error={action.error ?? triggers.error} />
      {canEdit ? (
        <form className="card form-grid" onSubmit={create}>
          <h2>New trigger</h2>
          <label htmlFor="trigger-recipe">Recipe</label>
          <select
            id="trigger-recipe"
            required
            value={form.recipeId}
            onChange={(e) => setForm({ ...form, recipeId: e.target.value })}
          >
            <option value="">Choose a recipe</option>
            {recipes.data?.items.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
          <label htmlFor="trigger-prefix">Filename prefix</label>
          <input
            id="trigger-prefix"
            value={form.prefix}
            placeholder="leads-"
            onChange={(e) => setForm({ ...form, prefix: e.target.value })}
          />
          <label htmlFor="trigger-input">Input added to each run (JSON)</label>
          <textarea
            id="trigger-input"
            className="mono"
            value={form.input}
            onChange={(e) => setForm({ ...form, input: e.target.value })}
          />
          <label htmlFor="trigger-description">Description</label>
          <input
            id="trigger-description"
            value={form.description}
            onChange={(e) => setForm({ ...form, description: e.target.value })}
          />
          <button type="submit" className="primary" disabled={action.busy}>
            Create trigger
          </button>
        </form>
      ) : null}
      {triggers.isLoading ? <Loading /> : null}
      {triggers.data?.items.length === 0 ? <Empty>No triggers.</Empty> : null}
      {triggers.data?.items.length ? (
        <TableBox label="Triggers">
          <table>
            <thead>
              <tr>
                <th scope="col">Trigger</th>
                <th scope="col">Recipe</th>
                <th scope="col">Prefix</th>
                <th scope="col">Created</th>
                {canEdit ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {triggers.data.items.map((t) => (
                <tr key={t.id}>
                  <td>
                    {t.description ?? ''} <span className="muted small mono">{t.id}</span>
                  </td>
                  <td>{t.recipeId}</td>
                  <td>
                    {t.prefix ? <code>{t.prefix}</code> : <span className="muted">uploads naming it</span>}
                  </td>
                  <td>
                    <When at={t.createdAt} />
                  </td>
                  {canEdit ? (
                    <td>
                      <button
                        type="button"
                        className="danger"
                        onClick={() =>
                          void action.run(() =>
                            api(`/v1/triggers/${t.id}`, {
                              method: 'DELETE',
                              idempotencyKey: newIdempotencyKey(),
                            }),
                          )
                        }
                      >
                        Delete<span className="sr-only"> trigger {t.description ?? t.id}</span>
                      </button>
                    </td>
                  ) : null}
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      ) : null}
    </section>
  );
}
