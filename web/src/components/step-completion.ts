// Completion for the recipe editor from the step registry (GET /v1/step-types): step `type` values, and the
// fields a step of its type takes (with their descriptions) when writing a property name.
import type { Completion, CompletionSource } from '@codemirror/autocomplete';
import { syntaxTree } from '@codemirror/language';
import type { StepType } from '../types';
import { enclosingObject, propertyValue } from './json-paths';

const RECIPE_FIELDS = ['name', 'description', 'agentId', 'mode', 'inputSchema', 'steps', 'output'];

export function stepCompletion(types: StepType[]): CompletionSource {
  const byType = new Map(types.map((t) => [t.type, t]));
  return (context) => {
    const tree = syntaxTree(context.state);
    const doc = context.state.doc.toString();
    const node = tree.resolveInner(context.pos, -1);
    const word = context.matchBefore(/"?[\w$-]*/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    const property = node.parent;
    // The value of "type": the step types.
    if (node.name === 'String' && property?.name === 'Property' && property.firstChild !== node) {
      const name = property.firstChild ? doc.slice(property.firstChild.from, property.firstChild.to) : '';
      if (name !== '"type"') return null;
      return {
        from: node.from,
        to: node.to,
        options: types.map((t) => ({
          label: `"${t.type}"`,
          detail: t.kind,
          info: t.description,
          type: 'enum',
        })),
      };
    }
    // A property name: the fields of the enclosing step's type, or of the recipe itself.
    const object = enclosingObject(tree, context.pos);
    if (!object) return null;
    if (node.name !== 'PropertyName' && node.name !== 'Object' && node.name !== '⚠') return null;
    const type = propertyValue(object, 'type', doc);
    const present = new Set<string>();
    for (let p = object.firstChild; p; p = p.nextSibling) {
      if (p.name === 'Property' && p.firstChild)
        present.add(doc.slice(p.firstChild.from + 1, p.firstChild.to - 1));
    }
    const schema = type ? byType.get(type)?.configSchema : undefined;
    const fields: Completion[] = schema?.properties
      ? Object.entries(schema.properties).map(([name, field]) => ({
          label: `"${name}"`,
          apply: `"${name}": `,
          detail: Array.isArray(field.type) ? field.type.join('|') : (field.type ?? ''),
          info: field.description,
          type: 'property',
        }))
      : object.parent?.name === 'JsonText'
        ? RECIPE_FIELDS.map((name) => ({ label: `"${name}"`, apply: `"${name}": `, type: 'property' }))
        : [
            { label: '"type"', apply: '"type": ', info: 'the step type', type: 'property' },
            { label: '"id"', apply: '"id": ', type: 'property' },
          ];
    return {
      from: node.name === 'PropertyName' ? node.from : word.from,
      to: node.name === 'PropertyName' ? node.to : word.to,
      options: fields.filter((f) => !present.has(String(f.label).slice(1, -1))),
    };
  };
}
