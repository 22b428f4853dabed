// The repository documents itself: the recipe reference, the step types and the OpenAPI document are generated
// from the step registry and the API's schemas (stale → fail),
// its documents refer only to files inside it, and the architecture's import rules hold (Biome enforces
// them in `npm run lint`; this runs the same rule in `npm test`, so CI fails on a violation).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../functions/api/openapi-document';
import { recipeReference } from '../../infra/docs/recipe-reference';
import { stepTypeCatalog } from '../../shared/steps/catalog';

describe('documentation', () => {
  it('has a recipe reference that matches the step registry (run `npm run docs` after changing a step type)', () => {
    expect(readFileSync('docs/recipe-reference.md', 'utf8')).toBe(recipeReference());
  });

  it('has the step types GET /v1/step-types serves, as the step registry describes them (run `npm run docs`)', () => {
    expect(JSON.parse(readFileSync('docs/step-types.json', 'utf8'))).toEqual({ items: stepTypeCatalog() });
  });

  it('has an OpenAPI document that matches the API’s routes and schemas (run `npm run docs` after changing one)', () => {
    expect(JSON.parse(readFileSync('docs/openapi.json', 'utf8'))).toEqual(buildOpenApiDocument());
  });

  it('links only to files inside the repository, and every linked file exists', () => {
    const documents = ['README.md', ...readdirSync('docs').map((name) => `docs/${name}`)].filter((f) =>
      f.endsWith('.md'),
    );
    for (const document of documents) {
      const text = readFileSync(document, 'utf8');
      expect(text, document).not.toMatch(/\.\.\/shared\/|DESIGN\.md|STYLE\.md/);
      for (const [, target] of text.matchAll(/\]\(([^)#]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue; // an outside URL
        expect(existsSync(path.join(path.dirname(document), target!)), `${document} → ${target}`).toBe(true);
      }
    }
  });
});

describe('architecture', () => {
  it('keeps its import rules: shared/ never imports functions/ or infra/, handlers never import infra/, deploy code never imports the local runtime, the console imports none of them', () => {
    const lint = spawnSync(
      path.resolve('node_modules/.bin/biome'),
      ['lint', '--only=style/noRestrictedImports', 'shared', 'functions', 'infra', 'web/src'],
      { encoding: 'utf8' },
    );
    expect(lint.status, lint.stdout + lint.stderr).toBe(0);
  });
});
