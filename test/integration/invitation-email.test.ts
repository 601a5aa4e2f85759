import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gqlOk, signUpAccount } from '../support/graphql.js';
import { accept } from '../support/organization.js';
import { startTestServer, type TestServer } from '../support/test-app.js';

interface Received {
  from: string;
  to: string[];
  body: string;
}

/** Invitation e-mails through a local SMTP server (smtp-server), only when SMTP_URL is configured. */
describe('invitation e-mail', () => {
  const received: Received[] = [];
  let smtp: SMTPServer;
  let server: TestServer;

  // Setup hashes several passwords (scrypt): give it room on a loaded machine.
  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), body: Buffer.concat(chunks).toString('utf8') });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    server = await startTestServer({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Gateway <gw@example.com>', PUBLIC_URL: 'https://gw.example.com/' });
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await new Promise<void>((resolve) => smtp?.close(() => resolve()));
  });

  it('mails the accept link (PUBLIC_URL based) to the invitee; the link works; the token appears nowhere else', async () => {
    const owner = await signUpAccount(server.url, 'Acme');
    const data = await gqlOk<{ inviteMember: { token: string; emailSent: boolean } }>(
      server.url,
      'mutation { inviteMember(input: { email: "new.hire@example.com", role: DEVELOPER }) { token emailSent } }',
      {},
      owner.token,
    );
    expect(data.inviteMember.emailSent).toBe(true);
    await expect.poll(() => received.length).toBe(1);
    const [mail] = received;
    expect(mail.to).toEqual(['new.hire@example.com']);
    expect(mail.from).toBe('gw@example.com');
    const body = mail.body.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    const link = /https:\/\/gw\.example\.com\/accept-invitation\?token=(nginv-[A-Za-z0-9_-]+)/.exec(body);
    expect(link?.[1]).toBe(data.inviteMember.token);
    expect(body).toMatch(/DEVELOPER/);

    await accept(server.url, link![1]);
    expect(server.logs.join('\n')).not.toContain(data.inviteMember.token);
  });

  it('still creates the invitation when the SMTP server refuses (emailSent: false)', async () => {
    const owner = await signUpAccount(server.url, 'Beta');
    const before = received.length;
    smtp.onRcptTo = (_address, _session, callback) => callback(new Error('mailbox unavailable'));
    const data = await gqlOk<{ inviteMember: { token: string; emailSent: boolean } }>(
      server.url,
      'mutation { inviteMember(input: { email: "bounce@example.com", role: VIEWER }) { token emailSent invitation { id } } }',
      {},
      owner.token,
    );
    expect(data.inviteMember.emailSent).toBe(false);
    expect(received.length).toBe(before);
    await accept(server.url, data.inviteMember.token);
    expect(server.logs.join('\n')).toContain('sending the invitation e-mail failed');
  });

  it('keeps the organization name, free text anyone chooses at sign-up, out of the Subject and quotes it in the body (security review finding 4)', async () => {
    const lure = 'ACME Payroll. URGENT: verify your salary account at https://acme-payroll.example.net/login';
    const owner = await signUpAccount(server.url, lure);
    smtp.onRcptTo = (_address, _session, callback) => callback();
    const before = received.length;
    await gqlOk(server.url, 'mutation { inviteMember(input: { email: "victim@example.org", role: VIEWER }) { emailSent } }', {}, owner.token);
    await expect.poll(() => received.length).toBe(before + 1);
    const raw = received[before].body;
    const subject = /^Subject: (.*(?:\r?\n[ \t].*)*)/m.exec(raw)?.[1].replace(/\r?\n[ \t]/g, ' ');
    expect(subject).toBe('You have been invited to an organization on AI Gateway');
    expect(raw).not.toMatch(/^Subject:.*(ACME|URGENT|payroll)/im);
    const body = raw.replace(/=\r?\n/g, '');
    expect(body).toContain(`Organization name (as chosen by its owner): "${lure}"`);
  });
});
