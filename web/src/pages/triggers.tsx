// Triggers: uploads that start a recipe (by a filename prefix, or by naming the trigger); create and delete.
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, type Page } from '../api';
import { useCan } from '../auth';
import { parseJsonField, RecipeSelect } from '../components/recipes';
import {
  Empty,
  ErrorNote,
  Loading,
  newIdempotencyKey,
  PageHeader,
  RowButton,
  TableBox,
  TableHead,
  When,
} from '../components/ui';
import { useAction } from '../components/use-action';

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
  const triggers = useQuery({
    queryKey: ['triggers'],
    queryFn: () => api<Page<Trigger>>('/v1/triggers', { query: { limit: 100 } }),
  });
  const action = useAction([['triggers']]);
  const [form, setForm] = useState({ recipeId: '', prefix: '', input: '{}', description: '' });
  const create = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      const input = parseJsonField(form.input, 'Input');
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
          <RecipeSelect
            id="trigger-recipe"
            required
            value={form.recipeId}
            onChange={(recipeId) => setForm({ ...form, recipeId })}
          />
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
            <TableHead columns={['Trigger', 'Recipe', 'Prefix', 'Created', canEdit && 'Actions']} />
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
                      <RowButton
                        danger
                        action="Delete"
                        item={`trigger ${t.description ?? t.id}`}
                        onClick={() => void action.remove(`/v1/triggers/${t.id}`)}
                      />
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
