// Files the local emulators keep their state in are replaced whole: written beside, then renamed over the
// old one, so a process killed mid-write leaves the previous file, never a truncated one.
import { renameSync, writeFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';

/** Where a replacement is written before it is renamed over `file` (one per process). */
const temporaryOf = (file: string) => `${file}.${process.pid}.tmp`;

export function writeFileAtomic(file: string, content: string, mode?: number): void {
  const temporary = temporaryOf(file);
  writeFileSync(temporary, content, mode === undefined ? undefined : { mode });
  renameSync(temporary, file);
}

/** writeFileAtomic off the event loop. Two writes of one file at once share its temporary: callers take turns. */
export async function writeFileAtomicAsync(file: string, content: string): Promise<void> {
  const temporary = temporaryOf(file);
  await writeFile(temporary, content);
  await rename(temporary, file);
}
