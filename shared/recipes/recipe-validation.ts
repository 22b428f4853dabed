// Save-time validation of a recipe: the zod shape plus the rules zod cannot express
// (unique ids, references only to earlier steps, valid jump targets, valid JSON Schemas).
import { type FieldError, ValidationFailed } from '../errors';
import { checkJsonSchema } from '../json-schema';
import type { MapStep } from '../steps/map';
import { MAX_MAP_ITEMS, mapsOverArtifact } from '../steps/map/items';
import { stepTypeOf } from '../steps/registry';
import type { StepConfig } from '../steps/types';
import { parseWith } from '../validation';
import { choiceProblem } from './choice-rules';
import type { Condition } from './condition';
import { type RecipeDefinition, recipeSchema, type Step } from './recipe-schema';
import { collectTemplatePaths, parsePath, templateRoots } from './template';

export function validateRecipe(raw: unknown): RecipeDefinition {
  const recipe = parseWith(recipeSchema, raw);
  const errors: FieldError[] = [...checkJsonSchema(recipe.inputSchema, 'inputSchema')];
  const seen = new Set<string>();
  checkSequence(recipe.steps, 'steps', [], false, seen, errors);
  if (recipe.output !== undefined) {
    checkReferences(collectTemplatePaths(recipe.output), 'output', [...seen], false, errors);
  }
  if (errors.length > 0) throw new ValidationFailed(errors);
  return recipe;
}

function checkSequence(
  steps: Step[],
  prefix: string,
  outerEarlier: string[],
  inMap: boolean,
  seen: Set<string>,
  errors: FieldError[],
): void {
  const ids = steps.map((s) => s.id);
  const earlier = [...outerEarlier];
  steps.forEach((step, index) => {
    const at = `${prefix}[${index}]`;
    if (seen.has(step.id)) errors.push({ path: `${at}.id`, message: `duplicate step id "${step.id}"` });
    seen.add(step.id);
    checkNoPathKeys(step, at, errors);
    checkJumps(step, at, ids, index, errors);
    if (step.type === 'branch') {
      step.cases.forEach((c, i) => {
        const problem = choiceProblem(c.when);
        if (problem) errors.push({ path: `${at}.cases[${i}].when`, message: problem });
      });
    }
    if (step.type === 'map') {
      if (inMap) errors.push({ path: `${at}.type`, message: 'a map cannot contain another map' });
      for (const [i, inner] of step.steps.entries()) {
        if (inner.type === 'review' || inner.type === 'branch') {
          errors.push({
            path: `${at}.steps[${i}].type`,
            message: `a ${inner.type} step cannot run inside a map`,
          });
        }
      }
      if (!/^\{\{\s*[^{}]+?\s*\}\}$/.test(step.items) && !mapsOverArtifact(step.items)) {
        errors.push({
          path: `${at}.items`,
          message:
            'must be exactly one template yielding an array, e.g. {{steps.search.output.body.results}}, or name an artifact ({{input.artifact}}, an artifact id)',
        });
      }
      checkMapMode(step, at, errors);
    }
    const { steps: nested, ...config } = step as Step & { steps?: Step[] };
    const itemAllowed = inMap || step.type === 'transform';
    for (const [field, value] of Object.entries(config)) {
      checkReferences(collectTemplatePaths(value), `${at}.${field}`, earlier, itemAllowed, errors);
    }
    for (const [where, path] of conditionPaths(step))
      checkReferences([path], `${at}.${where}`, earlier, itemAllowed, errors);
    if (step.type === 'ai' && step.outputSchema)
      errors.push(...checkJsonSchema(step.outputSchema, `${at}.outputSchema`));
    if (nested) checkSequence(nested, `${at}.steps`, earlier, true, seen, errors);
    earlier.push(step.id);
  });
}

/**
 * An inline map holds its items in the state: at most MAX_MAP_ITEMS, and none of the artifact map's settings.
 * A map over an artifact runs each batch of items in one invocation: its nested steps are Lambda steps of which
 * at most one is not fusable (that step's function runs the batch, as it runs a fused group).
 */
function checkMapMode(step: MapStep, at: string, errors: FieldError[]) {
  if (!mapsOverArtifact(step.items)) {
    if (step.maxItems > MAX_MAP_ITEMS)
      errors.push({
        path: `${at}.maxItems`,
        message: `an inline map holds at most ${MAX_MAP_ITEMS} items; map over an artifact for more`,
      });
    for (const field of ['toleratedFailurePercent', 'toleratedFailureCount', 'batchSize'] as const) {
      if (step[field] !== undefined)
        errors.push({ path: `${at}.${field}`, message: 'applies only to a map over an artifact' });
    }
    return;
  }
  let others = 0;
  step.steps.forEach((inner, i) => {
    const definition = stepTypeOf(inner.type);
    if (definition?.kind !== 'task') {
      errors.push({
        path: `${at}.steps[${i}].type`,
        message: `a map over an artifact runs its items in batches; a ${inner.type} step cannot run inside it`,
      });
    } else if (typeof inner.onError === 'object') {
      errors.push({
        path: `${at}.steps[${i}].onError`,
        message: 'inside a map over an artifact a step fails its item or continues; it cannot jump',
      });
    } else if (definition.fusable?.(inner as unknown as StepConfig) !== true && ++others > 1) {
      errors.push({
        path: `${at}.steps[${i}].type`,
        message:
          "a map over an artifact may hold one step that is not a transform, score or state get (each batch runs in that step's function)",
      });
    }
  });
}

function checkReferences(
  paths: string[],
  at: string,
  earlier: string[],
  itemAllowed: boolean,
  errors: FieldError[],
) {
  for (const path of paths) {
    const [root, stepId] = parsePath(path);
    if (!root || !(templateRoots as readonly string[]).includes(root)) {
      errors.push({ path: at, message: `"${path}" must start with one of ${templateRoots.join(', ')}` });
    } else if (root === 'item' && !itemAllowed) {
      errors.push({ path: at, message: `"${path}" uses item outside a map or transform` });
    } else if (root === 'steps' && (!stepId || !earlier.includes(stepId))) {
      errors.push({
        path: at,
        message: `"${path}" refers to step "${stepId ?? ''}" which does not come earlier`,
      });
    }
  }
}

// Jumps go forward only: a loop would run until Step Functions' history limit, billing every transition.
function checkJumps(step: Step, at: string, ids: string[], index: number, errors: FieldError[]) {
  const targets: Array<[string, string]> = [];
  if (step.onError && typeof step.onError === 'object')
    targets.push([`${at}.onError.goto`, step.onError.goto]);
  if (step.type === 'branch') {
    step.cases.forEach((c, i) => {
      targets.push([`${at}.cases[${i}].goto`, c.goto]);
    });
    targets.push([`${at}.default`, step.default]);
  }
  for (const [path, target] of targets) {
    if (target !== 'end' && !ids.includes(target)) {
      errors.push({ path, message: `"${target}" is not a step of this sequence` });
    } else if (target !== 'end' && ids.indexOf(target) <= index) {
      errors.push({ path, message: `"${target}" does not come later; jumps go forward only` });
    }
  }
}

/** Every condition path of a step, with the field it sits in (e.g. `rules[0].when`). */
function conditionPaths(step: Step): Array<[string, string]> {
  const conditions: Array<[string, Condition]> = [];
  if (step.type === 'score')
    for (const [i, r] of step.rules.entries()) conditions.push([`rules[${i}].when`, r.when]);
  if (step.type === 'branch')
    for (const [i, c] of step.cases.entries()) conditions.push([`cases[${i}].when`, c.when]);
  if (step.type === 'transform') {
    for (const [i, op] of step.ops.entries())
      if (op.op === 'filter') conditions.push([`ops[${i}].when`, op.when]);
  }
  const paths: Array<[string, string]> = [];
  const walk = (where: string, c: Condition): void => {
    if ('all' in c) for (const inner of c.all) walk(where, inner);
    else if ('any' in c) for (const inner of c.any) walk(where, inner);
    else if ('not' in c) walk(where, c.not);
    else paths.push([where, c.path]);
  };
  for (const [where, condition] of conditions) walk(where, condition);
  return paths;
}

// Step Functions treats Parameters keys ending in ".$" as paths; a literal one in a step would be misread.
function checkNoPathKeys(value: unknown, at: string, errors: FieldError[]): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      checkNoPathKeys(v, `${at}[${i}]`, errors);
    });
  } else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'steps') continue;
      if (key.endsWith('.$')) errors.push({ path: `${at}.${key}`, message: 'keys may not end with ".$"' });
      checkNoPathKeys(v, `${at}.${key}`, errors);
    }
  }
}
