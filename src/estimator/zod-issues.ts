/**
 * Turns zod's structural issues into sagekit {@link ValidationIssue}s: dotted path, the value
 * found there, and a rule in plain words — plus "did you mean" for unknown keys.
 */
import type { z } from 'zod';
import type { ValidationIssue } from '../errors.js';
import { closest } from '../util/suggest.js';

type Path = ReadonlyArray<PropertyKey>;

/** Formats a path as `inputs.train.s3Data` / `tags[0].key`. */
function formatPath(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

/** The value at `path` inside `root`, or undefined. */
function valueAt(root: unknown, path: Path): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key as string];
  }
  return current;
}

/** Object keys a schema allows at `path`, for suggestions (unions: every object member's keys). */
function knownKeysAt(schema: z.ZodType, path: Path): string[] {
  const keys = new Set<string>();
  const visit = (node: z.ZodType | undefined, rest: Path): void => {
    if (!node) return;
    const def = (node as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
    switch (def.type) {
      case 'optional':
      case 'nullable':
      case 'default':
      case 'readonly':
        return visit(def.innerType as z.ZodType, rest);
      case 'pipe':
        return visit(def.out as z.ZodType, rest);
      case 'lazy':
        return visit((def.getter as () => z.ZodType)(), rest);
      case 'union':
        for (const option of def.options as z.ZodType[]) visit(option, rest);
        return;
      case 'array':
        return rest.length ? visit(def.element as z.ZodType, rest.slice(1)) : undefined;
      case 'record':
        return rest.length ? visit(def.valueType as z.ZodType, rest.slice(1)) : undefined;
      case 'object': {
        const shape = def.shape as Record<string, z.ZodType>;
        if (!rest.length) {
          for (const k of Object.keys(shape)) keys.add(k);
          return;
        }
        return visit(shape[String(rest[0])], rest.slice(1));
      }
      default:
        return;
    }
  };
  visit(schema, path);
  return [...keys];
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping',
  array: 'a list',
  record: 'a mapping',
};

function describeType(expected: unknown): string {
  return TYPE_WORDS[String(expected)] ?? String(expected);
}

/** Converts one zod error into sagekit issues (one per unknown key). */
export function fromZodError(error: z.ZodError, input: unknown, schema: z.ZodType): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const issue of error.issues) {
    const path = issue.path;
    const value = valueAt(input, path);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeysAt(schema, path);
        for (const key of issue.keys) {
          const suggestion = closest(key, known);
          issues.push({
            path: formatPath([...path, key]),
            rule: `unknown option${suggestion ? `; did you mean "${suggestion}"?` : ''}`,
          });
        }
        break;
      }
      case 'invalid_type':
        issues.push(
          value === undefined
            ? { path: formatPath(path), rule: 'is required' }
            : { path: formatPath(path), value, rule: `must be ${describeType(issue.expected)}` },
        );
        break;
      case 'invalid_value':
        issues.push({
          path: formatPath(path),
          value,
          rule: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
        });
        break;
      case 'invalid_union': {
        // Report the branch that got furthest, rather than "invalid input".
        const branches = (issue.errors ?? []).filter((b) => b.length > 0);
        const nested = branches.sort((a, b) => deepest(b) - deepest(a))[0];
        if (nested && deepest(nested) > 0) {
          const sub = { issues: nested.map((n) => ({ ...n, path: [...path, ...n.path] })) } as unknown as z.ZodError;
          issues.push(...fromZodError(sub, input, schema));
        } else {
          issues.push({ path: formatPath(path), value, rule: unionRule(path) });
        }
        break;
      }
      default:
        issues.push({ path: formatPath(path), value, rule: issue.message });
    }
  }
  return issues;
}

function deepest(issues: ReadonlyArray<{ path: Path }>): number {
  return Math.max(0, ...issues.map((i) => i.path.length));
}

function unionRule(path: Path): string {
  const last = String(path[path.length - 1] ?? '');
  if (path[0] === 'inputs' && path.length <= 2) {
    return 'must be a URI string, a TrainingInput {s3Data, …} or a FileSystemInput {fileSystemId, …}';
  }
  if (last === 'tags') return 'must be a {key: value} mapping or a list of {key, value}';
  if (last === 'debuggerHookConfig') return 'must be false or {s3OutputPath, containerLocalOutputPath, hookParameters, collectionConfigs}';
  return 'has the wrong shape';
}
