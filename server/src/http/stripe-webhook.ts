import type { IncomingMessage } from 'node:http';
import Router from '@koa/router';
import type { Services } from '../services.js';

const MAX_WEBHOOK_BYTES = 1024 * 1024;

class BodyTooLargeError extends Error {}

function readRaw(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * POST /webhooks/stripe (PAYMENTS=stripe): verifies the Stripe-Signature over the raw body, then
 * grants paid Checkout sessions. 400 on a bad signature; 200 for every verified event, replays
 * included (they change nothing); 500 makes Stripe retry later.
 */
export function stripeWebhookRouter(services: Services): Router {
  const router = new Router();
  router.post('/webhooks/stripe', async (ctx) => {
    if (services.config.payments !== 'stripe') {
      ctx.status = 404;
      ctx.body = { error: 'Stripe payments are not enabled (PAYMENTS=stripe).' };
      return;
    }
    let raw: Buffer;
    try {
      raw = await readRaw(ctx.req, MAX_WEBHOOK_BYTES);
    } catch (err) {
      ctx.status = err instanceof BodyTooLargeError ? 413 : 400;
      ctx.body = { error: 'Could not read the request body.' };
      return;
    }
    let event;
    try {
      event = await services.credits.verifyStripeWebhook(raw, ctx.get('stripe-signature'));
    } catch (err) {
      services.logger.warn({ err: (err as Error).message }, 'Stripe webhook with an invalid signature');
      ctx.status = 400;
      ctx.body = { error: 'Invalid Stripe signature.' };
      return;
    }
    await services.credits.handleStripeEvent(services.orm.em.fork(), event);
    ctx.status = 200;
    ctx.body = { received: true };
  });
  return router;
}
