// Any JSON a user sends or a step returns is stored and returned exactly. DynamoDB maps cannot hold every
// JSON value: numbers beyond ±9.99e125 or 38 digits (1e308), integers the SDK will not write (beyond 2^53),
// nesting deeper than 32 levels, empty or `__proto__` keys, unpaired UTF-16 surrogates (which UTF-8 cannot
// carry). Such a value is stored as its JSON text instead, `{ "$json": "…" }` (JSON.stringify escapes
// unpaired surrogates, so the text is exact); everything else stays a map, readable in the console.
//
// What cannot be stored exactly is refused at the API, with the field named (`jsonBodyProblems`): an integer
// literal that JSON numbers (doubles) cannot hold, a `__proto__` key (JavaScript objects drop it), an
// unpaired surrogate, nesting deeper than MAX_DEPTH.

/** Nesting the API accepts; deeper documents are refused rather than risking the stack anywhere downstream. */
export const MAX_DEPTH = 64;
const DYNAMODB_MAX_DEPTH = 30; // 32 levels, with room for the attribute the value sits in
const TEXT_KEY = '$json';

/** The value as it goes into an item attribute. */
export function toStored(value: unknown): unknown {
  return fitsDynamoDb(value) ? value : { [TEXT_KEY]: JSON.stringify(value) };
}

/** The value as it was given to `toStored`. */
export function fromStored<T = unknown>(stored: unknown): T {
  if (
    typeof stored === 'object' &&
    stored !== null &&
    !Array.isArray(stored) &&
    typeof (stored as Record<string, unknown>)[TEXT_KEY] === 'string' &&
    Object.keys(stored).length === 1
  ) {
    return JSON.parse((stored as Record<string, string>)[TEXT_KEY]!) as T;
  }
  return stored as T;
}

function fitsDynamoDb(value: unknown): boolean {
  // An object that looks like the text form is itself stored as text, so reading it back cannot mistake it.
  if (typeof value === 'object' && value !== null && TEXT_KEY in value) return false;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (typeof current === 'number') {
      if (!numberFits(current)) return false;
    } else if (typeof current === 'string') {
      if (!current.isWellFormed()) return false;
    } else if (typeof current === 'object' && current !== null) {
      if (depth >= DYNAMODB_MAX_DEPTH) return false;
      if (Array.isArray(current)) {
        for (const item of current) stack.push([item, depth + 1]);
      } else {
        for (const [key, item] of Object.entries(current)) {
          if (key === '' || key === '__proto__' || !key.isWellFormed()) return false;
          stack.push([item, depth + 1]);
        }
      }
    }
  }
  return true;
}

function numberFits(n: number): boolean {
  if (Number.isInteger(n)) return Number.isSafeInteger(n);
  const magnitude = Math.abs(n);
  return magnitude >= 1e-130 && magnitude < 9.9e125;
}

/**
 * Where a request body's JSON (`text`, already parsed as `parsed`) cannot be taken exactly: `[{ path, message }]`,
 * empty when it can.
 */
export function jsonBodyProblems(text: string, parsed: unknown): Array<{ path: string; message: string }> {
  const problems = walk(parsed, new WeakSet());
  // An integer beyond 2^53 has at least 16 digits: most bodies have none, and are not parsed a second time.
  if (problems.length > 0 || !/\d{16}/.test(text)) return problems;
  // Within MAX_DEPTH, parse again with a reviver, which sees each number's source text (Node 21+): an integer
  // literal its double cannot hold exactly.
  const imprecise = new WeakSet<object>();
  const revived = JSON.parse(text, (_key, value: unknown, context?: { source?: string }) => {
    const source = context?.source;
    if (typeof value === 'number' && source && /^-?\d+$/.test(source) && !Number.isSafeInteger(value)) {
      if (BigInt(source) !== BigInt(value)) {
        const marker = { source };
        imprecise.add(marker);
        return marker;
      }
    }
    return value;
  }) as unknown;
  return walk(revived, imprecise);
}

function walk(parsed: unknown, imprecise: WeakSet<object>): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = [];
  // Paths name fields as validation errors do (`input.x`, `steps[0].body`); the whole body is `body`.
  const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
  const stack: Array<[unknown, string, number]> = [[parsed, '', 0]];
  while (stack.length > 0 && problems.length < 10) {
    const [current, path, depth] = stack.pop()!;
    if (typeof current === 'string') {
      if (!current.isWellFormed())
        problems.push({
          path: path || 'body',
          message: 'contains an unpaired UTF-16 surrogate (not valid Unicode)',
        });
    } else if (typeof current === 'object' && current !== null) {
      if (imprecise.has(current)) {
        problems.push({
          path: path || 'body',
          message: 'is an integer beyond ±2^53 that a JSON number cannot hold exactly; send it as a string',
        });
        continue;
      }
      if (depth >= MAX_DEPTH) {
        // Named where the nesting starts to run too deep, not 64 levels down.
        problems.push({
          path: path.split(/[.[]/)[0] || 'body',
          message: `is nested deeper than ${MAX_DEPTH} levels`,
        });
        return problems;
      }
      const entries = Array.isArray(current)
        ? current.map((item, i) => [`${path}[${i}]`, item] as const)
        : Object.entries(current).map(([key, item]) => [join(path, key), item, key] as const);
      for (const [itemPath, item, key] of entries as Array<readonly [string, unknown, string?]>) {
        if (key === '__proto__') {
          problems.push({ path: itemPath, message: 'the key __proto__ is not accepted' });
        } else if (key !== undefined && !key.isWellFormed()) {
          problems.push({ path: itemPath, message: 'the key contains an unpaired UTF-16 surrogate' });
        } else stack.push([item, itemPath, depth + 1]);
      }
    }
  }
  return problems;
}
