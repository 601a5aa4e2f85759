/**
 * Extracts the component schemas of OpenAI's official OpenAPI spec that the gateway's OpenAI-format
 * answers must match, into test/fixtures/spec/openai-schemas.json (read by
 * test/support/openai-spec.ts and test/integration/v1-spec-conformance-openai.test.ts).
 *
 *   git -C <openai/openai-openapi checkout or mirror> show <commit>:openapi.json > /tmp/openapi.json
 *   npx tsx scripts/extract-openai-schemas.ts /tmp/openapi.json --commit <commit> [--path openapi.json]
 *
 * The spec is multi-MB; only the answer schemas named in ROOTS and everything they reference
 * (`$ref`s resolved transitively) are kept, so the fixture stays small and its diff readable when
 * it is refreshed. The repository publishes the same spec as openapi.yaml and openapi.json (their
 * component schemas are identical); the JSON file is read so that no YAML parser is needed.
 *
 * The spec is OpenAPI 3.1 (JSON Schema 2020-12 underneath) but still carries OpenAPI-only
 * keywords that a JSON Schema validator would ignore or misread. They are rewritten here, once,
 * to their JSON Schema meaning, so the fixture is plain JSON Schema 2020-12:
 * - `nullable: true` (an OpenAPI 3.0 leftover, still on a few properties such as the stream
 *   chunk's `usage` and `finish_reason`) becomes `anyOf: [<the schema>, {type: "null"}]`. Ignoring
 *   it would reject the `null`s OpenAI itself sends there.
 * - `discriminator` is dropped: it is a hint for code generators; which branch applies already
 *   follows from the `oneOf`/`anyOf` it sits beside (each branch pins its `type` with an enum).
 * - `$recursiveRef: "#"` / `$recursiveAnchor` (JSON Schema 2019-09, used by CompoundFilter) become
 *   a plain `$ref` to the enclosing component, which is what they mean there.
 * - Documentation-only keys (`description`, `example`, `examples`, `x-*` vendor extensions) are
 *   dropped: they do not validate anything and are most of the spec's size.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The answer schemas the conformance test validates against. */
const ROOTS = [
  'CreateChatCompletionResponse',
  'CreateChatCompletionStreamResponse',
  'Response',
  'ResponseStreamEvent',
  'CreateEmbeddingResponse',
  'ListModelsResponse',
  'Model',
  'ErrorResponse',
] as const;

const REF_PREFIX = '#/components/schemas/';
const OUT = 'test/fixtures/spec/openai-schemas.json';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** Keywords whose value is one schema. */
const SCHEMA_KEYWORDS = new Set(['items', 'additionalProperties', 'not', 'if', 'then', 'else', 'propertyNames', 'contains', 'unevaluatedProperties', 'unevaluatedItems']);
/** Keywords whose value is a list of schemas. */
const SCHEMA_LIST_KEYWORDS = new Set(['anyOf', 'oneOf', 'allOf', 'prefixItems']);
/** Keywords whose value maps names to schemas (the names are data, never rewritten). */
const SCHEMA_MAP_KEYWORDS = new Set(['properties', 'patternProperties', '$defs', 'dependentSchemas']);
const DOCUMENTATION_KEYWORDS = new Set(['description', 'example', 'examples', 'discriminator', '$recursiveAnchor']);

const isObject = (v: Json | undefined): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Rewrites one schema (see the header); `component` is the component it belongs to. */
function normalize(schema: Json, component: string, refs: Set<string>): Json {
  if (!isObject(schema)) return schema; // `true` / `false` schemas
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    if (DOCUMENTATION_KEYWORDS.has(key) || key.startsWith('x-') || key === 'nullable') continue;
    if (key === '$recursiveRef') {
      if (value !== '#') throw new Error(`${component}: unsupported $recursiveRef ${JSON.stringify(value)}`);
      out.$ref = `${REF_PREFIX}${component}`;
    } else if (key === '$ref') {
      if (typeof value !== 'string' || !value.startsWith(REF_PREFIX)) throw new Error(`${component}: unsupported $ref ${JSON.stringify(value)}`);
      refs.add(value.slice(REF_PREFIX.length));
      out.$ref = value;
    } else if (SCHEMA_KEYWORDS.has(key)) {
      out[key] = normalize(value, component, refs);
    } else if (SCHEMA_LIST_KEYWORDS.has(key) && Array.isArray(value)) {
      out[key] = value.map((s) => normalize(s, component, refs));
    } else if (SCHEMA_MAP_KEYWORDS.has(key) && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, s]) => [name, normalize(s, component, refs)]));
    } else {
      out[key] = value; // type, enum, const, required, format, bounds, default, title…: kept as is
    }
  }
  return schema.nullable === true ? { anyOf: [out, { type: 'null' }] } : out;
}

/** The ROOTS and every component they reach, normalized, sorted by name. */
function extractSchemas(spec: JsonObject, roots: readonly string[] = ROOTS): Record<string, Json> {
  const all = (spec.components as JsonObject | undefined)?.schemas;
  if (!isObject(all)) throw new Error('the spec has no components.schemas');
  const done = new Map<string, Json>();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (done.has(name)) continue;
    const schema = all[name];
    if (schema === undefined) throw new Error(`the spec has no component schema ${name}`);
    const refs = new Set<string>();
    done.set(name, normalize(schema, name, refs));
    for (const ref of refs) if (!done.has(ref)) queue.push(ref);
  }
  return Object.fromEntries([...done].sort(([a], [b]) => a.localeCompare(b)));
}

function argument(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The commit of `file` when it sits in a git work tree and --commit was not given. */
function gitCommitOf(file: string): string | undefined {
  try {
    return execFileSync('git', ['-C', dirname(file), 'log', '-1', '--format=%H', '--', file], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function main(args: string[]): void {
  const specPath = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
  if (!specPath) throw new Error('usage: tsx scripts/extract-openai-schemas.ts <openapi.json> [--commit SHA] [--path openapi.json] [--repo openai/openai-openapi]');
  const commit = argument(args, '--commit') ?? gitCommitOf(resolve(specPath));
  if (!commit) throw new Error('--commit is required when the spec is not in a git work tree');
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as JsonObject;
  const info = isObject(spec.info) ? spec.info : {};
  const schemas = extractSchemas(spec);
  const fixture = {
    source: {
      repo: argument(args, '--repo') ?? 'openai/openai-openapi',
      path: argument(args, '--path') ?? 'openapi.json',
      commit,
      openapi: spec.openapi ?? null,
      version: info.version ?? null,
      extractedBy: 'scripts/extract-openai-schemas.ts',
    },
    roots: ROOTS,
    // Kept under the spec's own path so its `#/components/schemas/…` refs resolve unchanged.
    components: { schemas },
  };
  mkdirSync(dirname(OUT), { recursive: true });
  writeFileSync(OUT, `${JSON.stringify(fixture, null, 2)}\n`);
  console.log(`wrote ${OUT}: ${Object.keys(schemas).length} schemas from ${fixture.source.repo}@${commit.slice(0, 12)}:${fixture.source.path}`);
}

main(process.argv.slice(2));
