import type { Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { Config } from '../config.js';

export interface InvitationMail {
  to: string;
  /** The organization's name: free text its owner chose, so never in the Subject and quoted in the body. */
  organization: string;
  /** Who invited: a member's e-mail or an API key's name (free text too). */
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

/**
 * Fixed: anyone who signs up chooses an organization name, so a Subject built from it would let
 * them write the headline of mail sent from the operator's domain.
 */
export const INVITATION_SUBJECT = 'You have been invited to an organization on AI Gateway';

/** Free text on one line, without control characters, in quotes: read as a name, not as the message. */
function quoted(text: string): string {
  const line = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim().slice(0, 200);
  return `"${line.replace(/"/g, "'")}"`;
}

export function invitationText(mail: InvitationMail): string {
  return (
    `You have been invited to join an organization on AI Gateway, as ${mail.role}.\n\n` +
    `Organization name (as chosen by its owner): ${quoted(mail.organization)}\n` +
    `Invited by: ${quoted(mail.invitedBy)}\n\n` +
    `Open this link to choose your password and sign in (it works once, until ${mail.expiresAt.toUTCString()}):\n\n${mail.link}\n\n` +
    `If you did not expect this invitation, ignore this message.\n`
  );
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
          subject: INVITATION_SUBJECT,
          text: invitationText(mail),
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
