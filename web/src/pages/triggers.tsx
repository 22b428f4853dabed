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
  TextField,
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
          <TextField
            id="trigger-prefix"
            label="Filename prefix"
            placeholder="leads-"
            value={form.prefix}
            onChange={(prefix) => setForm({ ...form, prefix })}
          />
          <TextField
            id="trigger-input"
            label="Input added to each run (JSON)"
            multiline
            value={form.input}
            onChange={(input) => setForm({ ...form, input })}
          />
          <TextField
            id="trigger-description"
            label="Description"
            value={form.description}
            onChange={(description) => setForm({ ...form, description })}
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
