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

@ObjectType({
  description:
    'What an invitation offers, read with its token before accepting it; never the token itself. Only a PENDING invitation says more than its state: ' +
    'one that can no longer be used (possibly revoked because it went to the wrong address) names no organization, role, inviter or email.',
})
export class InvitationPreview {
  @Field(() => InvitationState)
  state!: StateName;

  @Field(() => String, { nullable: true, description: "The organization's name; null when it has none, or the invitation is not PENDING." })
  organization!: string | null;

  @Field(() => Role, { nullable: true, description: 'Null unless PENDING.' })
  role!: RoleName | null;

  @Field(() => String, { nullable: true, description: "The inviter's name, else email; null unless PENDING." })
  invitedBy!: string | null;

  @Field(() => String, { nullable: true, description: 'The invited email, the login acceptance creates; null unless PENDING.' })
  email!: string | null;

  @Field(() => Date, { nullable: true, description: 'Null unless PENDING.' })
  expiresAt!: Date | null;

  static from(p: Preview): InvitationPreview {
    const d = p.details;
    return Object.assign(new InvitationPreview(), {
      state: p.state,
      organization: d?.organization ?? null,
      role: d?.role ?? null,
      invitedBy: d?.invitedBy ?? null,
      email: d?.email ?? null,
      expiresAt: d?.expiresAt ?? null,
    });
  }
}
