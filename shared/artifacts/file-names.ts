// Artifact file names (and the trigger prefixes matched against them) may name folders ("incoming/leads.csv"),
// but never climb out of one: no backslashes, no leading slash, no empty, "." or ".." segments, and no control
// characters (code points below 0x20). The object key never uses the name; this keeps names meaningful.
export const NAME_MESSAGE =
  'must be a file name, optionally in folders ("incoming/leads.csv"), without "..", "." or empty segments';

export function isSafeName(name: string, options: { prefix?: boolean } = {}): boolean {
  if (name.includes('\\') || [...name].some((c) => c.charCodeAt(0) < 0x20)) return false;
  const segments = name.split('/');
  // A prefix may end in a slash ("incoming/"); its last segment may be empty or partial.
  const checked = options.prefix ? segments.slice(0, -1) : segments;
  return (
    checked.every((segment) => segment !== '' && segment !== '.' && segment !== '..') &&
    (!options.prefix || !['.', '..'].includes(segments.at(-1)!))
  );
}

/** The last segment: what a download is saved as. */
export function baseName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}
