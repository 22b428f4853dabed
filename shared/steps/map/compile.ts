// A `map` step's states, apart from its schema (index.ts), so that the functions that compile recipes bundle no
// zod (see shared/steps/compilers.ts).
import { jsonPath } from '../../recipes/choice-rules';
import { parsePath } from '../../recipes/template';
import type { AslState, CompileContext, StepCompile, StepConfig } from '../types';
import { DEFAULT_BATCH_SIZE, mapsOverArtifact } from './items';

/** The items of one batch stay under this many bytes, leaving room for the run's state beside them. */
const BATCH_ITEM_BYTES = 128 * 1024;

// Each item runs the nested steps with `item` (and its index) beside the run's state; the iteration's
// result is its last step's output, and the Map's result lands at $.steps.<id>.output.
export const compile: StepCompile = (step, next, context) => {
  if (mapsOverArtifact(String(step.items))) return compileDistributed(step, next, context);
  const inline = compileInline(step, next, context);
  // Items an earlier step (or the input) holds may be too large for the state and travel by reference
  // ({ $ref, bytes }): a Choice then sends the map down the Distributed Map's path, which reads them from S3.
  const holder = referenceHolder(String(step.items));
  if (!holder || !context.standard || !context.batchFunction(step.steps as StepConfig[])) return inline;
  context.addState(`Inline_${step.id}`, inline);
  context.addState(`Prepare_${step.id}`, compileDistributed(step, next, context));
  return {
    Type: 'Choice',
    Choices: [{ Variable: `${holder}.bytes`, IsPresent: true, Next: `Prepare_${step.id}` }],
    Default: `Inline_${step.id}`,
  };
};

/** Where the value a map's items come from travels by reference: an input field, or a step's output. */
function referenceHolder(items: string): string | null {
  const path = /^\{\{\s*([^{}]+?)\s*\}\}$/.exec(items)?.[1];
  const [root, name, output] = path ? parsePath(path) : [];
  if (root === 'input' && name) return jsonPath(`input.${name}`);
  if (root === 'steps' && name && output === 'output') return jsonPath(`steps.${name}.output`);
  return null;
}

/** An inline Map over the array in the state. */
function compileInline(step: StepConfig, next: string, context: CompileContext): AslState {
  const steps = step.steps as StepConfig[];
  const done = `Done_${step.id}`;
  const inner: Record<string, Record<string, unknown>> = {};
  context.sequence(steps, done, inner);
  inner[done] = { Type: 'Pass', OutputPath: `$.steps.${steps.at(-1)!.id}.output`, End: true };
  const items = String(step.items);
  const itemsPath = /^\{\{\s*([^{}]+?)\s*\}\}$/.exec(items)?.[1] ?? items;
  const catchers = context.catcher(step);
  return {
    Type: 'Map',
    ItemsPath: jsonPath(itemsPath),
    MaxConcurrency: step.maxConcurrency,
    ItemSelector: {
      'input.$': '$.input',
      'steps.$': '$.steps',
      'settings.$': '$.settings',
      'execution.$': '$.execution',
      'run.$': '$.run',
      'item.$': '$$.Map.Item.Value',
      'index.$': '$$.Map.Item.Index',
      // Credits were reserved for this many items; an item beyond it fails the map (see step-runner).
      maxItems: step.maxItems,
    },
    ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: steps[0]!.id, States: inner },
    ResultPath: `$.steps.${step.id}.output`,
    ...(catchers ? { Catch: catchers } : {}),
    Next: next,
  };
}

/**
 * A map over an artifact (or over a list the state holds by reference), as states named after the step:
 * - `<id>` (`Prepare_<id>` behind an inline map's Choice): a Task (the artifact-map function, `map: prepare`) finds
 *   the file (the tenant's own artifact, uploaded, CSV/JSON/JSON Lines), counts its items against `maxItems`
 *   and records the map step with its progress;
 * - `Read_<id>`: a Choice on the file's format, since a Distributed Map's reader type is fixed in the definition;
 * - `Map_<id>_<format>`: the Distributed Map: items read from S3, `batchSize` per child execution (Express), each
 *   batch run by one invocation of the nested steps' function (`map: batch`, see map-batch.ts), the tolerated
 *   failures, the children's results written to S3 by ResultWriter instead of into the state;
 * - `Collect_<id>`: a Task (`map: collect`) turns ResultWriter's files into the result artifact, one JSON line per
 *   item in input order, and checks the tolerated failures against every failed item.
 */
function compileDistributed(step: StepConfig, next: string, context: CompileContext): AslState {
  const id = step.id;
  const source = `$.steps.${id}.source`;
  const catchers = context.catcher(step);
  const caught = catchers ? { Catch: catchers } : {};
  const reference = { id, type: 'map', items: step.items, maxItems: step.maxItems, steps: step.steps };
  const settings = defined({
    toleratedFailurePercent: step.toleratedFailurePercent,
    toleratedFailureCount: step.toleratedFailureCount,
  });
  const batch = context.lambdaTask(context.batchFunction(step.steps as StepConfig[]) ?? 'finalize', {
    map: 'batch',
    mapStep: id,
    group: step.steps,
    'items.$': '$.Items',
    'state.$': '$.BatchInput',
  });
  const readers = {
    csv: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' },
    json: { InputType: 'JSON' },
    jsonl: { InputType: 'JSONL' },
  };
  for (const [format, reader] of Object.entries(readers)) {
    // State names are unique across the whole definition, the item processors' included.
    const items = `Items_${id}_${format}`;
    context.addState(`Map_${id}_${format}`, {
      Type: 'Map',
      ItemReader: {
        Resource: 'arn:aws:states:::s3:getObject',
        ReaderConfig: reader,
        Parameters: { 'Bucket.$': `${source}.bucket`, 'Key.$': `${source}.key` },
      },
      ItemSelector: { 'value.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' },
      ItemBatcher: {
        MaxItemsPerBatch: step.batchSize ?? DEFAULT_BATCH_SIZE,
        MaxInputBytesPerBatch: BATCH_ITEM_BYTES,
        BatchInput: {
          'input.$': '$.input',
          'steps.$': '$.steps',
          'settings.$': '$.settings',
          'execution.$': '$.execution',
          'run.$': '$.run',
        },
      },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
        StartAt: items,
        States: { [items]: { ...batch, OutputPath: '$.Payload', End: true } },
      },
      ...defined({
        // 0 (unlimited) is the service's default of 10,000 children at once.
        MaxConcurrency: step.maxConcurrency || undefined,
        ToleratedFailurePercentage: step.toleratedFailurePercent,
        ToleratedFailureCount: step.toleratedFailureCount,
      }),
      ResultWriter: {
        Resource: 'arn:aws:states:::s3:putObject',
        Parameters: { 'Bucket.$': `${source}.bucket`, 'Prefix.$': `${source}.resultPrefix` },
      },
      ResultPath: `$.steps.${id}.mapRun`,
      // A Map Run that fails (more batches failed as a whole than tolerated) still ends at collect, which ends
      // the map's record and fails the step there, under the step's own error handling.
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: `$.steps.${id}.mapError`, Next: `Collect_${id}` }],
      Next: `Collect_${id}`,
    });
  }
  context.addState(`Read_${id}`, {
    Type: 'Choice',
    Choices: ['csv', 'json'].map((format) => ({
      Variable: `${source}.format`,
      StringEquals: format,
      Next: `Map_${id}_${format}`,
    })),
    Default: `Map_${id}_jsonl`,
  });
  context.addState(`Collect_${id}`, {
    ...context.lambdaTask('artifact-map', {
      map: 'collect',
      step: { ...reference, ...settings },
      'state.$': '$',
    }),
    ResultSelector: { 'output.$': '$.Payload.output' },
    ResultPath: `$.steps.${id}`,
    ...caught,
    Next: next,
  });
  return {
    ...context.lambdaTask('artifact-map', { map: 'prepare', step: reference, 'state.$': '$' }),
    ResultSelector: { 'source.$': '$.Payload' },
    ResultPath: `$.steps.${id}`,
    ...caught,
    Next: `Read_${id}`,
  };
}

/** The fields that are set (ASL has no undefined). */
function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
