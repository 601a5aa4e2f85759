import { Field, ID, InputType, ObjectType } from 'type-graphql';
import type { IInvitation } from '../../entities/invitation.entity.js';
import type { IMember } from '../../entities/member.entity.js';
import type { Role as RoleName } from '../../services/roles.js';
import { connectionType } from './connection.type.js';
import { Role } from './role.type.js';

@ObjectType({ description: 'A person who signs in to the organization.' })
export class Member {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field(() => Role)
  role!: RoleName;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Last admin-API request (coarse: about a minute).' })
  lastActiveAt!: Date | null;

  static from(m: IMember): Member {
    return Object.assign(new Member(), {
      id: m.id,
      email: m.email,
      name: m.name ?? null,
      role: m.role,
      createdAt: m.createdAt,
      lastActiveAt: m.lastActiveAt ?? null,
    });
  }
}

export const MemberConnection = connectionType(Member, 'Member');

@ObjectType({ description: 'A pending invitation; its token was shown once, at creation.' })
export class Invitation {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => Role)
  role!: RoleName;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  expiresAt!: Date;

  static from(i: IInvitation): Invitation {
    return Object.assign(new Invitation(), { id: i.id, email: i.email, role: i.role, createdAt: i.createdAt, expiresAt: i.expiresAt });
  }
}

export const InvitationConnection = connectionType(Invitation, 'Invitation');

@ObjectType()
export class CreatedInvitation {
  @Field(() => Invitation)
  invitation!: Invitation;

  @Field(() => String, { description: 'Shown once: the invitee opens <gateway>/accept-invitation?token=<token>.' })
  token!: string;

  @Field(() => Boolean, { description: 'Whether the link was also e-mailed (only when SMTP_URL is configured).' })
  emailSent!: boolean;
}

@InputType()
export class InviteMemberInput {
  @Field(() => String)
  email!: string;

  @Field(() => Role)
  role!: RoleName;
}

@InputType()
export class AcceptInvitationInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => String)
  password!: string;
}
