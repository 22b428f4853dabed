// `npm run docs`: writes the generated documents under docs/.
import { writeFileSync } from 'node:fs';
import { recipeReference } from './recipe-reference';

writeFileSync('docs/recipe-reference.md', recipeReference());
console.log('wrote docs/recipe-reference.md');
// The API modules check their settings when imported: as the local runtime does.
process.env.RECIPEFLOW_RUNTIME ??= 'local';
const { buildOpenApiDocument } = await import('../../functions/api/openapi-document');
writeFileSync('docs/openapi.json', `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
console.log('wrote docs/openapi.json');
