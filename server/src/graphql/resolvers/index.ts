import type { NonEmptyArray } from 'type-graphql';
import { AccountResolver } from './account.resolver.js';
import { ApiKeyResolver } from './api-key.resolver.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export const RESOLVERS: NonEmptyArray<Function> = [AccountResolver, ApiKeyResolver];
