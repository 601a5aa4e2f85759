import { Field, ObjectType, registerEnumType } from 'type-graphql';
import type { InvitationPreview as Preview, InvitationState as StateName } from '../../services/invitations.js';
import type { Role as RoleName } from '../../services/roles.js';
import { Role } from './role.type.js';

/** GraphQL `InvitationState`: the same names as services/invitations.ts. */
export const InvitationState: { [K in StateName]: K } = {
  PENDING: 'PENDING',
  EXPIRED: 'EXPIRED',
  REVOKED: 'REVOKED',
  ACCEPTED: 'ACCEPTED',
  LOGIN_EXISTS: 'LOGIN_EXISTS',
};

registerEnumType(InvitationState, {
  name: 'InvitationState',
  description:
    'PENDING: acceptInvitation would accept it now. EXPIRED: past expiresAt. REVOKED: revoked, replaced by a newer invitation to the same email, ' +
    'or its inviter has left or may no longer grant its role. ACCEPTED: already used. LOGIN_EXISTS: its email has had a login on this gateway ' +
    'since it was sent (one login per email).',
});

@ObjectType({ description: 'What an invitation offers, read with its token before accepting it; never the token itself.' })
export class InvitationPreview {
  @Field(() => String, { description: "The organization's name (its email when it has none)." })
  organization!: string;

  @Field(() => Role)
  role!: RoleName;

  @Field(() => String, { nullable: true, description: "The inviter's name, else email; null once they have left the organization." })
  invitedBy!: string | null;

  @Field(() => String, { description: 'The invited email: the login acceptance creates.' })
  email!: string;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => InvitationState)
  state!: StateName;

  static from(p: Preview): InvitationPreview {
    return Object.assign(new InvitationPreview(), {
      organization: p.organization,
      role: p.role,
      invitedBy: p.invitedBy,
      email: p.email,
      expiresAt: p.expiresAt,
      state: p.state,
    });
  }
}
