import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../config.js';

export interface InvitationMail {
  to: string;
  organization: string;
  invitedBy: string;
  role: string;
  /** The accept link; it carries the token, so it goes into the message and nowhere else (never the logs). */
  link: string;
  expiresAt: Date;
}

/** Optional e-mail delivery; invitations work without it (the inviter copies the link). */
export interface Mailer {
  /** Resolves to whether the SMTP server accepted the message; never throws. */
  sendInvitation(mail: InvitationMail): Promise<boolean>;
}

/** A mailer when SMTP_URL is set, else null. nodemailer is loaded only then. */
export function createMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom'>, logger: Logger): Mailer | null {
  const { smtpUrl, mailFrom } = config;
  if (!smtpUrl) return null;
  let transport: Promise<Transporter> | undefined;
  return {
    async sendInvitation(mail) {
      try {
        transport ??= import('nodemailer').then((m) => m.createTransport(smtpUrl));
        await (await transport).sendMail({
          from: mailFrom,
          to: mail.to,
          subject: `${mail.invitedBy} invited you to ${mail.organization} on AI Gateway`,
          text:
            `${mail.invitedBy} invited you to join ${mail.organization} as ${mail.role}.\n\n` +
            `Open this link to choose your password and sign in (it works once, until ${mail.expiresAt.toUTCString()}):\n\n${mail.link}\n`,
        });
        return true;
      } catch (err) {
        // The message and the SMTP URL may hold the link and credentials: log only what failed.
        const code = (err as { code?: unknown }).code;
        logger.warn({ code: typeof code === 'string' ? code : undefined }, 'sending the invitation e-mail failed; the link can still be copied');
        return false;
      }
    },
  };
}
