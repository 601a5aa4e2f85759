import { Arg, Args, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import * as alerts from '../../services/alerts/alert-settings.js';
import { Rule } from '../auth-checker.js';
import { callerOf, scopeOf, type Context } from '../context.js';
import {
  AlertDelivery,
  AlertDeliveryConnection,
  AlertSettings,
  AlertSettingsInput,
  RotatedAlertWebhookSecret,
} from '../types/alert.type.js';
import { PageArgs, type Page } from '../types/connection.type.js';

@Authorized()
@Resolver(() => AlertSettings)
export class AlertResolver {
  @Authorized(Rule.DEVELOPER)
  @Query(() => AlertSettings, { description: 'Alert webhook settings (the URL may carry a token, so VIEWERs do not read it).' })
  async alertSettings(@Ctx() ctx: Context): Promise<AlertSettings> {
    return AlertSettings.from(await alerts.getAlertSettings(ctx.em, callerOf(ctx).accountId));
  }

  @Authorized(Rule.DEVELOPER)
  @Query(() => AlertDeliveryConnection, { description: 'Alert webhook deliveries, newest first.' })
  async alertDeliveries(@Args(() => PageArgs) args: PageArgs, @Ctx() ctx: Context): Promise<Page<AlertDelivery>> {
    const page = await alerts.listAlertDeliveries(ctx.em, callerOf(ctx).accountId, args);
    return { nodes: page.nodes.map(AlertDelivery.from), pageInfo: page.pageInfo };
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => AlertSettings)
  async updateAlertSettings(@Arg('input', () => AlertSettingsInput) input: AlertSettingsInput, @Ctx() ctx: Context): Promise<AlertSettings> {
    return AlertSettings.from(await alerts.updateAlertSettings(scopeOf(ctx), ctx.services.secretBox, input));
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => RotatedAlertWebhookSecret, { description: 'Generates a new signing secret, returned this once.' })
  async rotateAlertWebhookSecret(@Ctx() ctx: Context): Promise<RotatedAlertWebhookSecret> {
    const { secret, settings } = await alerts.rotateAlertWebhookSecret(scopeOf(ctx), ctx.services.secretBox);
    return { secret, settings: AlertSettings.from(settings) };
  }

  @Authorized(Rule.ADMIN)
  @Mutation(() => AlertDelivery, { description: 'Queues a signed webhook.test event to the webhook URL (also while alerts are off).' })
  async sendTestWebhook(@Ctx() ctx: Context): Promise<AlertDelivery> {
    const delivery = await alerts.sendTestWebhook(scopeOf(ctx), ctx.services.credits.now());
    ctx.services.alertDeliveries.kick();
    return AlertDelivery.from(delivery);
  }
}
