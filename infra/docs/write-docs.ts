// `npm run docs`: writes the generated documents under docs/.
import { writeFileSync } from 'node:fs';
import { stepTypeCatalog } from '../../shared/steps/catalog';
import { recipeReference } from './recipe-reference';

writeFileSync('docs/recipe-reference.md', recipeReference());
console.log('wrote docs/recipe-reference.md');
writeFileSync('docs/step-types.json', `${JSON.stringify({ items: stepTypeCatalog() }, null, 2)}\n`);
console.log('wrote docs/step-types.json');
// The API modules check their settings when imported: as the local runtime does.
process.env.RECIPEFLOW_RUNTIME ??= 'local';
const { buildOpenApiDocument } = await import('../../functions/api/openapi-document');
writeFileSync('docs/openapi.json', `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`);
console.log('wrote docs/openapi.json');
