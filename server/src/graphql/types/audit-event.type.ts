import { Field, ID, InputType, ObjectType } from 'type-graphql';
import type { AuditDetails as StoredAuditDetails, AuditValue, IAuditEvent } from '../../entities/audit-event.entity.js';
import { connectionType } from './connection.type.js';

/** Recorded values are strings, numbers or booleans; on the wire all are text, null stays null. */
const asText = (value: AuditValue | undefined): string | null => (value === null || value === undefined ? null : String(value));

/** Entries in field-name order: jsonb keeps no key order (it sorts keys by length), so a stable one is chosen here. */
function byField<T>(entries: Record<string, T> | undefined): [string, T][] {
  return Object.entries(entries ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

@ObjectType({ description: 'A value that identifies the changed object, e.g. its name, provider, the role granted or an amount.' })
export class AuditField {
  @Field(() => String)
  field!: string;

  @Field(() => String, { nullable: true })
  value!: string | null;
}

@ObjectType({ description: 'One field an update changed, from its old value to its new one (null: none).' })
export class AuditChange {
  @Field(() => String)
  field!: string;

  @Field(() => String, { nullable: true })
  from!: string | null;

  @Field(() => String, { nullable: true })
  to!: string | null;
}

@ObjectType({
  description:
    'What an event changed, each list in field-name order. Never a secret, token or password; strings are cut at 200 characters and lists and objects are shown as their JSON text.',
})
export class AuditDetails {
  @Field(() => [AuditField])
  fields!: AuditField[];

  @Field(() => [AuditChange])
  changes!: AuditChange[];

  @Field(() => Boolean, { description: 'Some entries were left out to keep the event small.' })
  truncated!: boolean;

  static from(d: StoredAuditDetails): AuditDetails {
    return Object.assign(new AuditDetails(), {
      fields: byField(d.fields).map(([field, value]) => Object.assign(new AuditField(), { field, value: asText(value) })),
      changes: byField(d.changes).map(([field, c]) => Object.assign(new AuditChange(), { field, from: asText(c.from), to: asText(c.to) })),
      truncated: d.truncated === true,
    });
  }
}

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

  @Field(() => AuditDetails, { nullable: true, description: 'What changed; null for events that record nothing more (and those written before details were).' })
  details!: AuditDetails | null;

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
      details: e.details ? AuditDetails.from(e.details) : null,
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
