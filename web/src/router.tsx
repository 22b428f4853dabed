// Every screen's URL. Each page is its own chunk (lazyRouteComponent), so the first load carries only the
// shell, the router and the query client.
import {
  createRootRoute,
  createRoute,
  createRouter,
  lazyRouteComponent,
  redirect,
} from '@tanstack/react-router';
import type { ReactElement } from 'react';
import { Shell } from './shell';
import { type ExecutionStatus, executionStatuses } from './types';

const root = createRootRoute({ component: Shell });

function page<P extends string, K extends string>(
  path: P,
  load: () => Promise<Record<K, () => ReactElement | null>>,
  name: K,
) {
  return createRoute({ getParentRoute: () => root, path, component: lazyRouteComponent(load, name) });
}

export interface RunsSearch {
  recipeId?: string;
  status?: ExecutionStatus;
  since?: string;
}

const index = createRoute({
  getParentRoute: () => root,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: '/runs' });
  },
});

const runs = createRoute({
  getParentRoute: () => root,
  path: '/runs',
  validateSearch: (search: Record<string, unknown>): RunsSearch => ({
    ...(typeof search.recipeId === 'string' && search.recipeId ? { recipeId: search.recipeId } : {}),
    ...(executionStatuses.includes(search.status as ExecutionStatus)
      ? { status: search.status as ExecutionStatus }
      : {}),
    ...(typeof search.since === 'string' && search.since ? { since: search.since } : {}),
  }),
  component: lazyRouteComponent(() => import('./pages/runs'), 'RunsPage'),
});

export const routeTree = root.addChildren([
  index,
  runs,
  page('/runs/$id', () => import('./pages/run'), 'RunPage'),
  page('/reviews', () => import('./pages/reviews'), 'ReviewsPage'),
  page('/reviews/$id', () => import('./pages/review'), 'ReviewPage'),
  page('/recipes', () => import('./pages/recipes'), 'RecipesPage'),
  page('/recipes/$id', () => import('./pages/recipe'), 'RecipePage'),
  page('/artifacts', () => import('./pages/artifacts'), 'ArtifactsPage'),
  page('/schedules', () => import('./pages/schedules'), 'SchedulesPage'),
  page('/triggers', () => import('./pages/triggers'), 'TriggersPage'),
  page('/credits', () => import('./pages/credits'), 'CreditsPage'),
  page('/audit', () => import('./pages/audit'), 'AuditPage'),
  page('/settings', () => import('./pages/settings'), 'SettingsPage'),
  page('/tenants', () => import('./pages/tenants'), 'TenantsPage'),
  page('/auth/callback', () => import('./pages/auth-callback'), 'AuthCallbackPage'),
]);

export const router = createRouter({ routeTree, defaultPreload: 'intent' });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
