// The tenant's recipes as pickers read them (first 100), and the picker itself.
import { useQuery } from '@tanstack/react-query';
import { api, type Page } from '../api';
import type { Recipe } from '../types';

export function useRecipes() {
  return useQuery({
    queryKey: ['recipes'],
    queryFn: () => api<Page<Recipe>>('/v1/recipes', { query: { limit: 100 } }),
  });
}

export function RecipeSelect({
  id,
  value,
  onChange,
  emptyLabel = 'Choose a recipe',
  required = false,
}: {
  id: string;
  value: string;
  onChange: (recipeId: string) => void;
  emptyLabel?: string;
  required?: boolean;
}) {
  const recipes = useRecipes();
  return (
    <select id={id} required={required} value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{emptyLabel}</option>
      {recipes.data?.items.map((r) => (
        <option key={r.id} value={r.id}>
          {r.name}
        </option>
      ))}
    </select>
  );
}

/** The JSON a person typed into a field, or an error naming the field. */
export function parseJsonField(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${field} is not valid JSON`);
  }
}
