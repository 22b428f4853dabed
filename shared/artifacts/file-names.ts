// Artifact file names (and the trigger prefixes matched against them) are plain names: no path separators and
// no control characters (code points below 0x20).
export const PLAIN_NAME_MESSAGE = 'must be a file name without slashes';

export function isPlainName(name: string): boolean {
  return !/[/\\]/.test(name) && [...name].every((c) => c.charCodeAt(0) >= 0x20);
}
