// What a map's items may be, without the step registry (so validation and the service limits can ask it
// without importing the registry's cycle through the step schema).
/** A map's item cap when it declares none, and the most an inline map may declare. */
export const DEFAULT_MAP_ITEMS = 100;
export const MAX_MAP_ITEMS = 10_000;
/** The most a map over an artifact (a Distributed Map) may declare. */
export const MAX_ARTIFACT_MAP_ITEMS = 1_000_000;
/** Items per child execution of a Distributed Map when the step declares no `batchSize`. */
export const DEFAULT_BATCH_SIZE = 100;

/**
 * A map over an artifact runs as a Distributed Map: its `items` is an artifact id, or one template whose last
 * field is `artifact` or ends in `Artifact` (`{{input.artifact}}` of an upload run, `{{input.leadsArtifact}}`,
 * `{{steps.each.output.artifact}}` of an earlier map over an artifact). The value there is an artifact id or an
 * object with one. Any other map is an inline Map over an array in the state.
 */
export function mapsOverArtifact(items: string): boolean {
  const path = /^\{\{\s*([^{}]+?)\s*\}\}$/.exec(items)?.[1];
  return path === undefined
    ? /^art_[a-z0-9]+$/.test(items.trim())
    : /(?:^|\.)(?:artifact|[A-Za-z0-9_]+Artifact)$/.test(path);
}
