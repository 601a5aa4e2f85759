import { z } from 'zod';
import { ValidationError } from '../errors/validation-error.js';

/** At most this many fields are named in one message; the rest are counted. */
const MAX_FIELDS_NAMED = 5;

/**
 * The field a schema stands for when it is parsed on its own rather than inside an object (an
 * issue then has no path): `parseInput(nameSchema(), input.name)` still says `name: …`.
 */
const fieldLabels = z.registry<{ field: string }>();

export function labelled<S extends z.ZodType>(schema: S, field: string): S {
  fieldLabels.add(schema, { field });
  return schema;
}

/** A path as people and graphql-js write it: `targets[1].model`, `rules[0].pattern`. */
export function fieldPath(path: readonly (PropertyKey | number)[]): string {
  return path.reduce<string>((out, part) => {
    if (typeof part === 'number') return `${out}[${part}]`;
    const name = String(part);
    return out ? `${out}.${name}` : name;
  }, '');
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  bigint: 'a whole number',
  date: 'a valid date',
  array: 'a list',
  object: 'an object',
  record: 'an object',
  tuple: 'a list',
  map: 'an object',
  set: 'a list',
};

const FORMAT_WORDS: Record<string, string> = {
  uuid: 'is not a valid id',
  guid: 'is not a valid id',
  email: 'is not a valid email address',
  url: 'is not a valid URL',
  datetime: 'is not a valid ISO 8601 date-time',
  date: 'is not a valid ISO 8601 date',
  regex: 'has an invalid format',
};

function bound(value: number | bigint, origin: string): string {
  if (origin === 'date') return new Date(Number(value)).toISOString();
  return String(value);
}

function count(n: number | bigint, one: string, many: string): string {
  return `${n} ${n === 1 || n === 1n ? one : many}`;
}

/**
 * Plain wording for the issues a schema did not word itself (its own messages win): "must be at
 * least 1000", "is required", never zod's "Too small: expected number to be >=1000".
 */
function plainReason(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      if (issue.input === null) return 'must not be null';
      return `must be ${TYPE_WORDS[issue.expected] ?? issue.expected}`;
    case 'too_small': {
      const { origin, minimum } = issue;
      if (origin === 'string') {
        if (issue.exact) return `must be exactly ${count(minimum, 'character', 'characters')}`;
        return Number(minimum) <= 1 ? 'must not be empty' : `must be at least ${count(minimum, 'character', 'characters')}`;
      }
      if (origin === 'array' || origin === 'set') {
        if (issue.exact) return `must list exactly ${count(minimum, 'item', 'items')}`;
        return Number(minimum) <= 1 ? 'must list at least one item' : `must list at least ${count(minimum, 'item', 'items')}`;
      }
      if (origin === 'date') return `must be ${issue.inclusive ? 'at or after' : 'after'} ${bound(minimum, origin)}`;
      return issue.inclusive ? `must be at least ${bound(minimum, origin)}` : `must be greater than ${bound(minimum, origin)}`;
    }
    case 'too_big': {
      const { origin, maximum } = issue;
      if (origin === 'string') return `must be at most ${count(maximum, 'character', 'characters')}`;
      if (origin === 'array' || origin === 'set') return `must list at most ${count(maximum, 'item', 'items')}`;
      if (origin === 'date') return `must be ${issue.inclusive ? 'at or before' : 'before'} ${bound(maximum, origin)}`;
      return issue.inclusive ? `must be at most ${bound(maximum, origin)}` : `must be less than ${bound(maximum, origin)}`;
    }
    case 'invalid_format': {
      const format = issue.format as string;
      const prefix = (issue as { prefix?: string }).prefix;
      const suffix = (issue as { suffix?: string }).suffix;
      const includes = (issue as { includes?: string }).includes;
      if (format === 'starts_with' && prefix !== undefined) return `must start with ${JSON.stringify(prefix)}`;
      if (format === 'ends_with' && suffix !== undefined) return `must end with ${JSON.stringify(suffix)}`;
      if (format === 'includes' && includes !== undefined) return `must contain ${JSON.stringify(includes)}`;
      return FORMAT_WORDS[format] ?? `is not a valid ${format}`;
    }
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    case 'unrecognized_keys':
      return `has unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${JSON.stringify(issue.values[0])}`
        : `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union': {
      // A discriminated union names the discriminator's accepted values.
      const options = (issue as { options?: unknown[] }).options;
      return options?.length ? `must be one of ${options.map((v) => JSON.stringify(v)).join(', ')}` : 'does not match any accepted form';
    }
    case 'invalid_key':
      return 'has an invalid key';
    case 'invalid_element':
      return 'has an invalid entry';
    default:
      return 'is invalid';
  }
}

/**
 * One "<field>: <reason>" per field (the first issue of each: an empty key is "must not be empty",
 * not that and "must not contain whitespace" too), at most five fields, joined by "; ".
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], rootField?: string): string {
  const byField = new Map<string, string>();
  for (const issue of issues) {
    const field = fieldPath(issue.path) || rootField || '';
    if (!byField.has(field)) byField.set(field, field ? `${field}: ${issue.message}` : issue.message);
  }
  return joinIssues([...byField.values()]);
}

/** At most MAX_FIELDS_NAMED messages joined by "; ", the rest counted. */
function joinIssues(messages: readonly string[]): string {
  const more = messages.length > MAX_FIELDS_NAMED ? ` (and ${messages.length - MAX_FIELDS_NAMED} more)` : '';
  return messages.slice(0, MAX_FIELDS_NAMED).join('; ') + more;
}

/** Parses with zod; a failure is one BAD_USER_INPUT message in the shape formatIssues gives. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value, { error: plainReason });
  if (result.success) return result.data;
  throw new ValidationError(formatIssues(result.error.issues, fieldLabels.get(schema)?.field));
}

/** Joins service-level issues ("<field>: <reason>", built with fieldPath) like parseInput does. */
export function throwIssues(issues: readonly string[]): void {
  if (issues.length > 0) throw new ValidationError(joinIssues(issues));
}

/** Trimmed, non-empty, bounded, no control characters. Parsed on its own, its field is `name`. */
export const nameSchema = (max = 200) =>
  labelled(
    z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(max, `must be at most ${max} characters`)
      .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters'),
    'name',
  );

export const providerIdSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be lower-case letters, digits, ".", "_" or "-"');

export const uuidSchema = z.string().uuid('is not a valid id');
