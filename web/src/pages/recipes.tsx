// Recipes: the tenant's recipes, a new one from scratch or from a built-in template.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { api, type Page } from '../api';
import { useCan } from '../auth';
import { useRecipes } from '../components/recipes';
import {
  Empty,
  ErrorNote,
  Loading,
  newIdempotencyKey,
  PageHeader,
  TableBox,
  TableHead,
  When,
} from '../components/ui';
import type { Recipe, RecipeDefinition } from '../types';

interface Template {
  id: string;
  name: string;
  description?: string;
  definition: RecipeDefinition;
}

export function RecipesPage() {
  const canEdit = useCan('editor');
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const recipes = useRecipes();
  const templates = useQuery({
    queryKey: ['templates'],
    enabled: canEdit,
    queryFn: () => api<Page<Template>>('/v1/templates'),
  });
  const [error, setError] = useState<unknown>();
  const create = async (body: unknown) => {
    setError(undefined);
    try {
      const recipe = await api<Recipe>('/v1/recipes', {
        method: 'POST',
        body,
        idempotencyKey: newIdempotencyKey(),
      });
      await queryClient.invalidateQueries({ queryKey: ['recipes'] });
      void navigate({ to: '/recipes/$id', params: { id: recipe.id } });
    } catch (caught) {
      setError(caught);
    }
  };
  return (
    <section>
      <PageHeader title="Recipes">
        {canEdit ? (
          <button
            type="button"
            onClick={() =>
              void create({
                name: 'New recipe',
                inputSchema: { type: 'object', properties: { name: { type: 'string' } } },
                steps: [{ id: 'greet', type: 'transform', source: '{{input.name}}', ops: [] }],
              })
            }
          >
            New recipe
          </button>
        ) : null}
      </PageHeader>
      <ErrorNote error={error ?? recipes.error} />
      {recipes.isLoading ? <Loading /> : null}
      {recipes.data?.items.length === 0 ? <Empty>No recipes yet.</Empty> : null}
      {recipes.data?.items.length ? (
        <TableBox label="Recipes">
          <table>
            <TableHead columns={['Recipe', 'Description', 'Version', 'Engine', 'Steps', 'Updated']} />
            <tbody>
              {recipes.data.items.map((recipe) => (
                <tr key={recipe.id}>
                  <td>
                    <Link to="/recipes/$id" params={{ id: recipe.id }}>
                      {recipe.name}
                    </Link>
                    <div className="muted small mono">{recipe.id}</div>
                  </td>
                  <td className="clip">{recipe.description}</td>
                  <td>v{recipe.version}</td>
                  <td>{recipe.engine}</td>
                  <td>{recipe.steps.length}</td>
                  <td>
                    <When at={recipe.updatedAt ?? recipe.createdAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableBox>
      ) : null}
      {canEdit && templates.data?.items.length ? (
        <>
          <h2>Templates</h2>
          <ul className="cards">
            {templates.data.items.map((template) => (
              <li key={template.id} className="card">
                <h3>{template.name}</h3>
                <p className="muted">{template.description}</p>
                <button type="button" onClick={() => void create({ templateId: template.id })}>
                  Install {template.name}
                </button>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
