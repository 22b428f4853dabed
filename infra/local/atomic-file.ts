// Files the local emulators keep their state in are replaced whole: written beside, then renamed over the
// old one, so a process killed mid-write leaves the previous file, never a truncated one.
import { renameSync, writeFileSync } from 'node:fs';

export function writeFileAtomic(file: string, content: string, mode?: number): void {
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, content, mode === undefined ? undefined : { mode });
  renameSync(temporary, file);
}
