// Schedules: every recipe's schedules with their next fire times; create (EventBridge Scheduler expressions)
// and delete.
import { useQuery } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api, type Page } from '../api';
import { useCan } from '../auth';
import { parseJsonField, RecipeSelect, useRecipes } from '../components/recipes';
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

interface Schedule {
  id: string;
  recipeId: string;
  expression: string;
  timezone: string;
  input: unknown;
  description?: string;
  createdAt: string;
  nextRuns?: string[];
  lastSkipped?: { scheduledTime: string; reason: string };
}

export function SchedulesPage() {
  const canEdit = useCan('editor');
  const recipes = useRecipes();
  const schedules = useQuery({
    queryKey: ['schedules', recipes.data?.items.map((r) => r.id).join(',')],
    enabled: !!recipes.data,
    queryFn: async () =>
      (
        await Promise.all(
          recipes.data!.items.map((r) =>
            api<Page<Schedule>>(`/v1/recipes/${encodeURIComponent(r.id)}/schedules`, {
              query: { limit: 100 },
            }),
          ),
        )
      ).flatMap((page) => page.items),
  });
  const action = useAction([['schedules']]);
  const [form, setForm] = useState({
    recipeId: '',
    expression: 'rate(1 hour)',
    timezone: 'UTC',
    input: '{}',
    description: '',
  });
  const create = (event: FormEvent) => {
    event.preventDefault();
    void action.run(async () => {
      const input = parseJsonField(form.input, 'Input');
      await api(`/v1/recipes/${encodeURIComponent(form.recipeId)}/schedules`, {
        method: 'POST',
        idempotencyKey: newIdempotencyKey(),
        body: {
          expression: form.expression,
          timezone: form.timezone,
          input,
          ...(form.description ? { description: form.description } : {}),
        },
      });
    });
  };
  return (
    <section>
      <PageHeader title="Schedules" />
      <ErrorNote error={action.error ?? schedules.error ?? recipes.error} />
      {canEdit ? (
        <form className="card form-grid" onSubmit={create}>
          <h2>New schedule</h2>
          <label htmlFor="schedule-recipe">Recipe</label>
          <RecipeSelect
            id="schedule-recipe"
            required
            value={form.recipeId}
            onChange={(recipeId) => setForm({ ...form, recipeId })}
          />
          <TextField
            id="schedule-expression"
            label="Expression"
            required
            aria-describedby="expression-help"
            value={form.expression}
            onChange={(expression) => setForm({ ...form, expression })}
          />
          <p id="expression-help" className="muted small">
            rate(5 minutes), cron(0 9 ? * MON-FRI *) or at(2030-01-01T09:00:00), as EventBridge Scheduler
            writes them.
          </p>
          <TextField
            id="schedule-timezone"
            label="Time zone"
            required
            value={form.timezone}
            onChange={(timezone) => setForm({ ...form, timezone })}
          />
          <TextField
            id="schedule-input"
            label="Input (JSON)"
            multiline
            value={form.input}
            onChange={(input) => setForm({ ...form, input })}
          />
          <TextField
            id="schedule-description"
            label="Description"
            value={form.description}
            onChange={(description) => setForm({ ...form, description })}
          />
          <button type="submit" className="primary" disabled={action.busy}>
            Create schedule
          </button>
        </form>
      ) : null}
      {schedules.isLoading ? <Loading /> : null}
      {schedules.data?.length === 0 ? <Empty>No schedules.</Empty> : null}
      {schedules.data?.length ? (
        <TableBox label="Schedules">
          <table>
            <TableHead
              columns={[
                'Schedule',
                'Recipe',
                'Expression',
                'Next runs',
                'Last skipped',
                canEdit && 'Actions',
              ]}
            />
            <tbody>
              {schedules.data.map((s) => (
                <tr key={s.id}>
                  <td>{s.description ?? <span className="mono">{s.id}</span>}</td>
                  <td>{s.recipeId}</td>
                  <td>
                    <code>{s.expression}</code> <span className="muted">{s.timezone}</span>
                  </td>
                  <td>
                    <ul className="plain">
                      {s.nextRuns?.map((at) => (
                        <li key={at}>
                          <When at={at} />
                        </li>
                      ))}
                    </ul>
                  </td>
                  <td>{s.lastSkipped ? `${s.lastSkipped.reason}` : '—'}</td>
                  {canEdit ? (
                    <td>
                      <RowButton
                        danger
                        action="Delete"
                        item={`schedule ${s.description ?? s.id}`}
                        onClick={() => void action.remove(`/v1/schedules/${s.id}`)}
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
