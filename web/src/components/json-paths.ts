// Finds where a field path the API names (`steps[1].url`, `body.steps.0.url`) sits in a JSON document, by
// walking CodeMirror's JSON syntax tree, so an error is marked on its field rather than listed apart.
import type { SyntaxNode, Tree } from '@lezer/common';

export function splitPath(path: string): string[] {
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((part) => part !== '' && part !== 'body');
}

function unquote(text: string): string {
  try {
    return JSON.parse(text) as string;
  } catch {
    return text;
  }
}

function child(node: SyntaxNode, part: string, doc: string): SyntaxNode | undefined {
  if (node.name === 'Object') {
    for (let property = node.firstChild; property; property = property.nextSibling) {
      if (property.name !== 'Property') continue;
      const name = property.firstChild;
      if (name && unquote(doc.slice(name.from, name.to)) === part) return property.lastChild ?? property;
    }
  }
  if (node.name === 'Array' && /^\d+$/.test(part)) {
    let index = 0;
    for (let element = node.firstChild; element; element = element.nextSibling) {
      if (element.name === '[' || element.name === ']' || element.name === ',') continue;
      if (index === Number(part)) return element;
      index += 1;
    }
  }
  return undefined;
}

/** The range of the deepest part of `path` found (the whole document when nothing matches). */
export function locateJsonPath(tree: Tree, doc: string, path: string): { from: number; to: number } {
  let node: SyntaxNode | null = tree.topNode.firstChild;
  if (!node) return { from: 0, to: doc.length };
  for (const part of splitPath(path)) {
    const next = child(node, part, doc);
    if (!next) break;
    node = next;
  }
  const to = Math.min(node.to, node.from + 400);
  return { from: node.from, to: Math.max(to, node.from + 1) };
}

/** The object around `position` and the property name path leading to it (for completion). */
export function enclosingObject(tree: Tree, position: number): SyntaxNode | undefined {
  let node: SyntaxNode | null = tree.resolveInner(position, -1);
  while (node && node.name !== 'Object') node = node.parent;
  return node ?? undefined;
}

export function propertyValue(object: SyntaxNode, name: string, doc: string): string | undefined {
  const value = child(object, name, doc);
  return value ? unquote(doc.slice(value.from, value.to)) : undefined;
}
