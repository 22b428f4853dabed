// The console's first load stays small: the entry chunk and every chunk it imports statically (what the
// browser fetches before the first screen) is at most 250 KB gzipped; each page is its own chunk.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CONSOLE_DIST_DIR, ensureConsoleBuilt } from '../../infra/console';

interface ManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

const BUDGET_BYTES = 250 * 1024;

describe('the console bundle', () => {
  ensureConsoleBuilt();
  const manifest = JSON.parse(
    readFileSync(path.join(CONSOLE_DIST_DIR, '.vite', 'manifest.json'), 'utf8'),
  ) as Record<string, ManifestChunk>;
  const gzipped = (file: string) => gzipSync(readFileSync(path.join(CONSOLE_DIST_DIR, file))).length;

  it('loads at most 250 KB of JavaScript (gzipped) before the first screen', () => {
    const entry = Object.entries(manifest).find(([, chunk]) => chunk.isEntry)!;
    const initial = new Set<string>();
    const visit = (key: string) => {
      if (initial.has(key)) return;
      initial.add(key);
      for (const imported of manifest[key]?.imports ?? []) visit(imported);
    };
    visit(entry[0]);
    const bytes = [...initial].reduce((sum, key) => sum + gzipped(manifest[key]!.file), 0);
    console.log(`initial JavaScript: ${(bytes / 1024).toFixed(1)} KB gzipped in ${initial.size} chunks`);
    expect(bytes).toBeLessThanOrEqual(BUDGET_BYTES);
  });

  it('splits every page, the graph and the JSON editor out of the first load', () => {
    const entry = Object.entries(manifest).find(([, chunk]) => chunk.isEntry)![1];
    const lazy = entry.dynamicImports ?? [];
    for (const page of ['runs', 'run', 'reviews', 'review', 'recipes', 'recipe', 'artifacts', 'settings']) {
      expect(lazy).toContain(`src/pages/${page}.tsx`);
    }
    const initialFiles = (entry.imports ?? []).map((key) => manifest[key]!.file).join(' ');
    expect(initialFiles).not.toMatch(/json-editor|recipe-graph/);
  });
});
