import { Field, ID, InputType, ObjectType } from 'type-graphql';
import type { IAuditEvent } from '../../entities/audit-event.entity.js';
import { connectionType } from './connection.type.js';

@ObjectType({ description: 'One state change: who, what, on which object, from where, when. Append-only.' })
export class AuditEvent {
  @Field(() => ID)
  id!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => String, { description: '"member" | "apiKey" | "system"' })
  actorType!: string;

  @Field(() => ID, { nullable: true })
  actorId!: string | null;

  @Field(() => String, { nullable: true, description: 'Member email or API key name at the time.' })
  actorName!: string | null;

  @Field(() => String, { description: '<object>.<verb>, e.g. accessKey.revoke' })
  action!: string;

  @Field(() => String, { nullable: true })
  targetType!: string | null;

  @Field(() => ID, { nullable: true })
  targetId!: string | null;

  @Field(() => String, { nullable: true })
  ip!: string | null;

  static from(e: IAuditEvent): AuditEvent {
    return Object.assign(new AuditEvent(), {
      id: e.id,
      createdAt: e.createdAt,
      actorType: e.actorType,
      actorId: e.actorId ?? null,
      actorName: e.actorName ?? null,
      action: e.action,
      targetType: e.targetType ?? null,
      targetId: e.targetId ?? null,
      ip: e.ip ?? null,
    });
  }
}

export const AuditEventConnection = connectionType(AuditEvent, 'AuditEvent');

@InputType()
export class AuditFilter {
  @Field(() => String, { nullable: true, description: 'Exact action, e.g. member.invite' })
  action?: string | null;

  @Field(() => ID, { nullable: true })
  actorId?: string | null;

  @Field(() => ID, { nullable: true })
  targetId?: string | null;

  @Field(() => Date, { nullable: true, description: 'Inclusive.' })
  from?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Exclusive.' })
  to?: Date | null;
}
