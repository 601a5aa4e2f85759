import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/**
 * Validation against OpenAI's official OpenAPI schemas (test/fixtures/spec/openai-schemas.json,
 * extracted by scripts/extract-openai-schemas.ts, which already rewrote the OpenAPI-only keywords
 * `nullable`, `discriminator` and `$recursiveRef` into plain JSON Schema 2020-12).
 */

const FIXTURE = new URL('../fixtures/spec/openai-schemas.json', import.meta.url);
const SPEC_ID = 'openai-openapi';

export type OpenAISchemaName =
  | 'CreateChatCompletionResponse'
  | 'CreateChatCompletionStreamResponse'
  | 'Response'
  | 'ResponseStreamEvent'
  | 'CreateEmbeddingResponse'
  | 'ListModelsResponse'
  | 'Model'
  | 'ErrorResponse';

interface SpecFixture {
  source: { repo: string; path: string; commit: string };
  components: { schemas: Record<string, unknown> };
}

// ajv-formats is CommonJS: under NodeNext its default import is `module.exports`, the plugin
// function, whose `default` property is the plugin again (what its typings describe).
const addFormats = addFormatsModule.default;

function buildAjv(spec: SpecFixture): Ajv2020 {
  const ajv = new Ajv2020({
    // strict: false because the spec is written for OpenAPI tools, not for ajv's strict mode,
    // which refuses valid JSON Schema that looks like a mistake to it: `required` naming a
    // property defined in another `allOf` branch (strictRequired, 12 places), `properties`
    // without `type: object` (strictTypes), and the schemas held under `components` (kept so the
    // spec's own `#/components/schemas/…` refs resolve). None of that changes what validates.
    strict: false,
    allErrors: true,
  });
  addFormats(ajv, ['uri', 'date', 'date-time']);
  // OpenAI's own formats: `unixtime` (integer seconds, e.g. `created`) and `float` on numbers.
  ajv.addFormat('unixtime', { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= 0 });
  ajv.addFormat('float', { type: 'number', validate: () => true });
  ajv.addSchema({ $id: SPEC_ID, components: spec.components });
  return ajv;
}

let loaded: { ajv: Ajv2020; spec: SpecFixture; validators: Map<string, ValidateFunction> } | undefined;

function load() {
  if (!loaded) {
    const spec = JSON.parse(readFileSync(FIXTURE, 'utf8')) as SpecFixture;
    loaded = { ajv: buildAjv(spec), spec, validators: new Map() };
  }
  return loaded;
}

/** Where the schemas come from: `openai/openai-openapi@<commit>:openapi.json`. */
export function openAISpecSource(): string {
  const { source } = load().spec;
  return `${source.repo}@${source.commit}:${source.path}`;
}

type SchemaNode = Record<string, unknown>;

function validatorAt(pointer: string): ValidateFunction {
  const l = load();
  let validate = l.validators.get(pointer);
  if (!validate) {
    validate = l.ajv.getSchema(`${SPEC_ID}#${pointer}`);
    if (!validate) throw new Error(`no schema at ${pointer} in the spec fixture`);
    l.validators.set(pointer, validate);
  }
  return validate;
}

/** The schema at a JSON pointer of the fixture, following `$ref`s; with its own pointer. */
function schemaAt(pointer: string): { pointer: string; schema: SchemaNode } {
  let node: unknown = load().spec;
  for (const part of pointer.split('/').slice(1)) node = (node as Record<string, unknown>)[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  const ref = (node as SchemaNode).$ref;
  return typeof ref === 'string' ? schemaAt(ref.slice(1)) : { pointer, schema: node as SchemaNode };
}

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The `type` values a union branch accepts (its tag), or undefined when it has none. */
function tagOf(pointer: string): unknown[] | undefined {
  const type = (schemaAt(pointer).schema.properties as Record<string, SchemaNode> | undefined)?.type;
  if (!type) return undefined;
  if ('const' in type) return [type.const];
  return Array.isArray(type.enum) ? type.enum : undefined;
}

/**
 * Why `value` fails the schema at `pointer`, narrowed to what matters. ajv reports every branch
 * of a failed `anyOf` (ResponseStreamEvent has ~60), which buries the one real complaint; here a
 * union is narrowed to the branch whose `type` tag the value carries, and objects and arrays are
 * explained property by property. Where narrowing finds nothing, ajv's own errors are returned,
 * so a failure is never hidden.
 */
function explain(pointer: string, value: unknown, at: string): string[] {
  const validate = validatorAt(pointer);
  // Not `if (validate(value))`: ajv types it as a guard, which would narrow `value` to never below.
  const valid: boolean = validate(value);
  if (valid) return [];
  const raw = ((validate.errors ?? []) as ErrorObject[]).map((e) => `${at}${e.instancePath} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`);
  const { pointer: p, schema } = schemaAt(pointer);
  const found: string[] = [];
  if (Array.isArray(schema.allOf)) schema.allOf.forEach((_, i) => found.push(...explain(`${p}/allOf/${i}`, value, at)));
  for (const union of ['anyOf', 'oneOf'] as const) {
    const branches = schema[union];
    if (!Array.isArray(branches)) continue;
    const pointers = branches.map((_, i) => `${p}/${union}/${i}`);
    // A nullable value (`[schema, {type: null}]`) that is not null can only mean the schema.
    const nonNull = pointers.filter((b) => schemaAt(b).schema.type !== 'null');
    const tagged = isRecord(value) ? nonNull.filter((b) => tagOf(b)?.includes(value.type)) : [];
    const meant = tagged.length === 1 ? tagged : nonNull.length === 1 && value !== null ? nonNull : [];
    if (meant.length === 1) found.push(...explain(meant[0], value, at));
  }
  if (isRecord(value) && isRecord(schema.properties)) {
    found.push(...raw.filter((line) => line.startsWith(`${at} `))); // this object's own: required, type
    for (const key of Object.keys(value)) {
      if (key in schema.properties) found.push(...explain(`${p}/properties/${escapePointer(key)}`, value[key], `${at}/${key}`));
    }
  }
  if (Array.isArray(value) && isRecord(schema.items)) value.forEach((item, i) => found.push(...explain(`${p}/items`, item, `${at}/${i}`)));
  return found.length > 0 ? [...new Set(found)] : raw;
}

/** The ways `value` breaks the named schema, one line each (empty when it conforms). */
export function specViolations(name: OpenAISchemaName, value: unknown): string[] {
  return explain(`/components/schemas/${name}`, value, name);
}
