// The route table (read by CDK and the local gateway) and the routers inside the handler modules must agree:
// every route the table sends to a module is one the module serves, and the module serves nothing else.
import { describe, expect, it } from 'vitest';
import { apiHandlers, apiRoutes, publicHandlers } from '../../shared/api/routes';

describe('the route table', () => {
  it('matches what each handler module serves, and which ones are public', async () => {
    for (const name of apiHandlers) {
      const { handler } = (await import(`../../functions/api/${name}.ts`)) as {
        handler: { routes: Array<{ method: string; path: string; public: boolean }> };
      };
      const served = handler.routes.map((r) => `${r.method} ${r.path}`).sort();
      const table = apiRoutes
        .filter((r) => r.handler === name)
        .map((r) => `${r.method} ${r.path}`)
        .sort();
      expect(served, name).toEqual(table);
      expect(
        handler.routes.every((r) => r.public === publicHandlers.has(name)),
        name,
      ).toBe(true);
    }
  });
});
