// One recipe: its graph and a Run form built from its inputSchema; the JSON editor (completion from the step
// registry, the API's 422 errors on the field they name) whose Save makes a new version; versions with a diff.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useNavigate, useParams } from '@tanstack/react-router';
import { diffLines } from 'diff';
import { lazy, Suspense, useMemo, useState } from 'react';
import { ApiError, api, type Page } from '../api';
import { useCan } from '../auth';
import { InputForm } from '../components/input-form';
import { RecipeGraph } from '../components/recipe-graph';
import { stepCompletion } from '../components/step-completion';
import {
  ErrorNote,
  Loading,
  newIdempotencyKey,
  PageHeader,
  TableBox,
  TableHead,
  When,
} from '../components/ui';
import type { Execution, Recipe, RecipeDefinition, RecipeVersion, StepType } from '../types';

const JsonEditor = lazy(() => import('../components/json-editor').then((m) => ({ default: m.JsonEditor })));

type Tab = 'overview' | 'edit' | 'versions';

export function RecipePage() {
  const { id } = useParams({ from: '/recipes/$id' });
  const recipe = useQuery({
    queryKey: ['recipe', id],
    queryFn: () => api<Recipe>(`/v1/recipes/${encodeURIComponent(id)}`),
  });
  const [tab, setTab] = useState<Tab>('overview');
  if (recipe.isLoading) return <Loading />;
  if (!recipe.data) return <ErrorNote error={recipe.error} />;
  return (
    <section>
      <PageHeader title={recipe.data.name} />
      <p className="muted">
        <span className="mono">{recipe.data.id}</span> · v{recipe.data.version} · {recipe.data.engine}
        {recipe.data.description ? ` · ${recipe.data.description}` : ''}
      </p>
      <div className="tabs">
        {(['overview', 'edit', 'versions'] as const).map((name) => (
          <button key={name} type="button" aria-pressed={tab === name} onClick={() => setTab(name)}>
            {name === 'overview' ? 'Overview' : name === 'edit' ? 'Edit' : 'Versions'}
          </button>
        ))}
      </div>
      {tab === 'overview' ? <Overview recipe={recipe.data} /> : null}
      {tab === 'edit' ? <Editor recipe={recipe.data} /> : null}
      {tab === 'versions' ? <Versions recipe={recipe.data} /> : null}
    </section>
  );
}

function definitionOf(recipe: Recipe): RecipeDefinition {
  const { name, description, agentId, mode, inputSchema, steps, output } = recipe;
  return {
    name,
    ...(description !== undefined ? { description } : {}),
    ...(agentId !== undefined ? { agentId } : {}),
    ...(mode !== undefined ? { mode } : {}),
    ...(inputSchema !== undefined ? { inputSchema } : {}),
    steps,
    ...(output !== undefined ? { output } : {}),
  };
}

function Overview({ recipe }: { recipe: Recipe }) {
  const canRun = useCan('operator');
  const navigate = useNavigate();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const run = async (input: unknown) => {
    setBusy(true);
    setError(undefined);
    try {
      const started = await api<Execution>(`/v1/recipes/${encodeURIComponent(recipe.id)}/executions`, {
        method: 'POST',
        body: { input },
        idempotencyKey: newIdempotencyKey(),
      });
      void navigate({ to: '/runs/$id', params: { id: started.id } });
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="run-views">
      <div>
        <h2>Graph</h2>
        <RecipeGraph steps={recipe.steps} label={`Graph of ${recipe.name}`} />
      </div>
      {canRun ? (
        <div>
          <h2>Run</h2>
          <InputForm
            schema={recipe.inputSchema}
            submitLabel="Run"
            busy={busy}
            onSubmit={(input) => void run(input)}
          />
          <ErrorNote error={error} />
        </div>
      ) : null}
    </div>
  );
}

function Editor({ recipe }: { recipe: Recipe }) {
  const canEdit = useCan('editor');
  const queryClient = useQueryClient();
  const types = useQuery({
    queryKey: ['step-types'],
    queryFn: () => api<Page<StepType>>('/v1/step-types'),
    staleTime: Number.POSITIVE_INFINITY,
  });
  const initial = useMemo(() => JSON.stringify(definitionOf(recipe), null, 2), [recipe]);
  const [text, setText] = useState(initial);
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState<string>();
  const complete = useMemo(() => (types.data ? stepCompletion(types.data.items) : undefined), [types.data]);
  const save = async () => {
    setError(undefined);
    setSaved(undefined);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch (caught) {
      setError(new ApiError({ title: 'Not valid JSON', status: 400, detail: (caught as Error).message }));
      return;
    }
    try {
      const next = await api<Recipe>(`/v1/recipes/${encodeURIComponent(recipe.id)}`, {
        method: 'PUT',
        body,
        idempotencyKey: newIdempotencyKey(),
      });
      queryClient.setQueryData(['recipe', recipe.id], next);
      await queryClient.invalidateQueries({ queryKey: ['recipes'] });
      await queryClient.invalidateQueries({ queryKey: ['versions', recipe.id] });
      setSaved(`Saved as version ${next.version}.`);
    } catch (caught) {
      setError(caught);
    }
  };
  const fieldErrors = error instanceof ApiError ? error.problem.errors : undefined;
  if (!types.data && types.isLoading) return <Loading />;
  return (
    <div>
      <h2>Definition</h2>
      <p className="muted small">
        Press Ctrl-Space for the fields of a step’s type. Saving makes a new version; runs keep the version
        they started with.
      </p>
      {/* The editor is keyed by the version, so a save shows the stored definition. */}
      <Suspense fallback={<Loading />}>
        <JsonEditor
          key={recipe.version}
          label="Recipe definition"
          value={text}
          onChange={setText}
          fieldErrors={fieldErrors}
          complete={complete}
          readOnly={!canEdit}
          minHeight="24rem"
        />
      </Suspense>
      <ErrorNote error={error} />
      {saved ? <p role="status">{saved}</p> : null}
      {canEdit ? (
        <div className="actions">
          <button type="button" className="primary" onClick={() => void save()}>
            Save
          </button>
          <button type="button" onClick={() => setText(initial)}>
            Revert
          </button>
        </div>
      ) : null}
    </div>
  );
}

function Versions({ recipe }: { recipe: Recipe }) {
  const versions = useQuery({
    queryKey: ['versions', recipe.id],
    queryFn: () =>
      api<Page<RecipeVersion>>(`/v1/recipes/${encodeURIComponent(recipe.id)}/versions`, {
        query: { limit: 100 },
      }),
  });
  const list = [...(versions.data?.items ?? [])].sort((a, b) => b.version - a.version);
  const [from, setFrom] = useState<number>();
  const [to, setTo] = useState<number>();
  const a = list.find((v) => v.version === (from ?? list[1]?.version ?? list[0]?.version));
  const b = list.find((v) => v.version === (to ?? list[0]?.version));
  const parts =
    a && b ? diffLines(JSON.stringify(a.definition, null, 2), JSON.stringify(b.definition, null, 2)) : [];
  return (
    <div>
      <ErrorNote error={versions.error} />
      <TableBox label="Versions">
        <table>
          <TableHead columns={['Version', 'Engine', 'Created']} />
          <tbody>
            {list.map((v) => (
              <tr key={v.version}>
                <td>v{v.version}</td>
                <td>{v.engine}</td>
                <td>
                  <When at={v.createdAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableBox>
      <h2>Diff</h2>
      <div className="filters">
        <VersionSelect label="From" versions={list} value={a?.version} onChange={setFrom} />
        <VersionSelect label="To" versions={list} value={b?.version} onChange={setTo} />
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: scrollable content has to take focus to be scrolled by keys */}
      <section className="diff" aria-label="Differences between the two versions" tabIndex={0}>
        <pre>
          {parts.map((part, i) => (
            <span
              // biome-ignore lint/suspicious/noArrayIndexKey: diff parts have no identity but their order
              key={i}
              className={part.added ? 'added' : part.removed ? 'removed' : undefined}
            >
              {part.value
                .replace(/\n$/, '')
                .split('\n')
                .map((line) => `${part.added ? '+ ' : part.removed ? '- ' : '  '}${line}`)
                .join('\n')}
              {'\n'}
            </span>
          ))}
        </pre>
      </section>
    </div>
  );
}

function VersionSelect({
  label,
  versions,
  value,
  onChange,
}: {
  label: string;
  versions: Array<{ version: number }>;
  value: number | undefined;
  onChange: (version: number) => void;
}) {
  return (
    <label>
      {label}
      <select value={value ?? ''} onChange={(e) => onChange(Number(e.target.value))}>
        {versions.map((v) => (
          <option key={v.version} value={v.version}>
            v{v.version}
          </option>
        ))}
      </select>
    </label>
  );
}
