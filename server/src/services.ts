import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Metrics } from './metrics.js';
import { SecretBox } from './services/crypto.js';
import { RateLimiter } from './services/rate-limiter.js';
import { LocalChangeEvents } from './services/change-events.js';

/** The typed service container, built once per server instance and passed to everything. */
export interface Services {
  config: Config;
  logger: Logger;
  orm: MikroORM;
  metrics: Metrics;
  secretBox: SecretBox;
  events: LocalChangeEvents;
  authRateLimiter: RateLimiter;
}

export interface ServiceInputs {
  config: Config;
  logger: Logger;
  orm: MikroORM;
  metrics: Metrics;
  masterKey: string;
}

export function buildServices(inputs: ServiceInputs): Services {
  const { config } = inputs;
  return {
    config,
    logger: inputs.logger,
    orm: inputs.orm,
    metrics: inputs.metrics,
    secretBox: new SecretBox([inputs.masterKey, ...config.previousSecretKeys]),
    events: new LocalChangeEvents(),
    authRateLimiter: new RateLimiter(config.authRateLimitPerMinute, 60_000, 'sign-up/log-in attempts from this address'),
  };
}
