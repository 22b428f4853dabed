// `npm run docs`: writes the generated documents under docs/.
import { writeFileSync } from 'node:fs';
import { recipeReference } from './recipe-reference';

writeFileSync('docs/recipe-reference.md', recipeReference());
console.log('wrote docs/recipe-reference.md');
