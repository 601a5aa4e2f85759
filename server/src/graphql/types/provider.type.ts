import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { ApiFormat as CatalogApiFormat, ModelKind as CatalogModelKind } from '../../catalog/index.js';
import type { ModelView, ProviderView } from '../../services/providers.js';

/** GraphQL names OPENAI/ANTHROPIC; inside, the catalog's 'openai'/'anthropic'. */
export enum ApiFormat {
  OPENAI = 'openai',
  ANTHROPIC = 'anthropic',
}

registerEnumType(ApiFormat, {
  name: 'ApiFormat',
  description: 'Wire format a provider speaks: OpenAI chat completions or Anthropic messages.',
});

export function toApiFormat(format: CatalogApiFormat): ApiFormat {
  return format === 'anthropic' ? ApiFormat.ANTHROPIC : ApiFormat.OPENAI;
}

/** GraphQL names CHAT/EMBEDDING; inside, the catalog's 'chat'/'embedding'. */
export enum ModelKind {
  CHAT = 'chat',
  EMBEDDING = 'embedding',
}

registerEnumType(ModelKind, {
  name: 'ModelKind',
  description: 'What a model does: CHAT generates text (chat completions, responses, messages); EMBEDDING serves POST /v1/embeddings only.',
});

const MODEL_KINDS: Readonly<Record<CatalogModelKind, ModelKind>> = { chat: ModelKind.CHAT, embedding: ModelKind.EMBEDDING };

@ObjectType({ description: 'A model a provider serves. Custom providers only declare ids, so the rest is null for them.' })
export class Model {
  @Field(() => String, { description: 'Upstream model id, as the provider expects it.' })
  id!: string;

  @Field(() => String)
  provider!: string;

  @Field(() => String, { description: 'The "provider:model" string that forces this provider in /v1 and allowedModels.' })
  qualifiedId!: string;

  @Field(() => String, { nullable: true })
  displayName!: string | null;

  @Field(() => Int, { nullable: true })
  contextWindow!: number | null;

  @Field(() => Int, { nullable: true })
  maxOutputTokens!: number | null;

  @Field(() => String, { nullable: true, description: 'USD per million input tokens, decimal string.' })
  inputPriceUsdPerMTok!: string | null;

  @Field(() => String, { nullable: true, description: 'USD per million output tokens, decimal string.' })
  outputPriceUsdPerMTok!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "USD per million input tokens read from the provider's prompt cache, decimal string; null where cached input is billed as input.",
  })
  cachedInputPriceUsdPerMTok!: string | null;

  @Field(() => [String], { nullable: true, description: 'text, image, audio, video, pdf.' })
  inputModalities!: string[] | null;

  @Field(() => [String], { nullable: true })
  outputModalities!: string[] | null;

  @Field(() => ModelKind, { nullable: true, description: 'Catalog models only; null for a custom provider\'s declared models.' })
  kind!: ModelKind | null;

  static from(m: ModelView): Model {
    return Object.assign(new Model(), { ...m, qualifiedId: `${m.provider}:${m.id}`, kind: m.kind === null ? null : MODEL_KINDS[m.kind] });
  }
}

@ObjectType({ description: 'A built-in provider from the catalog, or one of the account\'s custom providers.' })
export class Provider {
  @Field(() => String, { description: 'The id used in "provider:model" strings.' })
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => Boolean)
  builtIn!: boolean;

  @Field(() => ApiFormat)
  apiFormat!: ApiFormat;

  @Field(() => String, { description: 'Base URL, version path included; for built-in providers as the catalog has it (operator overrides are not shown).' })
  baseUrl!: string;

  @Field(() => Boolean, {
    description:
      'Whether calls need one of the account\'s provider keys: true for built-ins without gateway credentials; ' +
      'false for custom providers (a key is sent when one is routed).',
  })
  needsProviderKey!: boolean;

  @Field(() => Boolean, { description: 'Whether the operator offers gateway credentials (paid from credits).' })
  gatewayCredentials!: boolean;

  @Field(() => String, { nullable: true })
  docsUrl!: string | null;

  @Field(() => [Model])
  models!: Model[];

  static from(p: ProviderView): Provider {
    return Object.assign(new Provider(), { ...p, apiFormat: toApiFormat(p.apiFormat), models: p.models.map(Model.from) });
  }
}

@InputType()
export class CustomProviderInput {
  @Field(() => String, { description: 'Lower-case letters, digits, ".", "_", "-"; not a built-in id; unique in the account.' })
  providerId!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'http(s), version path included (e.g. http://host:8000/v1), no credentials.' })
  baseUrl!: string;

  @Field(() => ApiFormat)
  apiFormat!: ApiFormat;

  @Field(() => [String], { description: 'Declared model ids (1 to 500); only these can be called.' })
  models!: string[];
}
