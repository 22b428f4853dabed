import { describe, expect, it } from 'vitest';
import { baseName, isSafeName } from '../../shared/artifacts/file-names';

describe('artifact names', () => {
  it('allow folders but never climbing out of one', () => {
    for (const name of ['leads.csv', 'incoming/leads.csv', 'a/b/c d.json', 'ünïcode.csv'])
      expect(isSafeName(name), name).toBe(true);
    for (const name of [
      '../../etc/passwd',
      '/abs.csv',
      'a//b.csv',
      'a/./b.csv',
      'a\\b.csv',
      'x\n.csv',
      'dir/',
    ])
      expect(isSafeName(name), name).toBe(false);
  });

  it('allow prefixes that end in a folder or part of a name', () => {
    for (const prefix of ['incoming/', 'leads-', 'a/b/c', 'reports/2026-'])
      expect(isSafeName(prefix, { prefix: true }), prefix).toBe(true);
    for (const prefix of ['/incoming/', '../', 'a//', 'a/..'])
      expect(isSafeName(prefix, { prefix: true }), prefix).toBe(false);
  });

  it('download under the last segment', () => {
    expect(baseName('incoming/2026/leads.csv')).toBe('leads.csv');
    expect(baseName('leads.csv')).toBe('leads.csv');
  });
});
