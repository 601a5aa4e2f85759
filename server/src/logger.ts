import { pino, type Logger } from 'pino';

/**
 * Every path that could carry a credential is censored, wherever it appears in a log object.
 * Code never logs bodies; this is the second line of defence.
 */
const REDACT_PATHS = [
  'authorization',
  'password',
  'token',
  'key',
  'apiKey',
  'secret',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers.cookie',
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  '*.authorization',
  '*.password',
  '*.token',
  '*.key',
  '*.apiKey',
  '*.secret',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  'variables.input.password',
  'variables.input.key',
  'variables.key',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: 'ai-gateway' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination as pino.DestinationStream | undefined,
  );
}
