import { Field, ID, ObjectType } from 'type-graphql';
import type { ISession } from '../../entities/session.entity.js';
import { connectionType } from './connection.type.js';

@ObjectType({ description: "One of the signed-in member's own sessions." })
export class Session {
  @Field(() => ID)
  id!: string;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => String, { nullable: true })
  ip!: string | null;

  @Field(() => String, { nullable: true })
  userAgent!: string | null;

  @Field(() => Boolean, { description: 'The session making this request.' })
  current!: boolean;

  static from(s: ISession, currentId: string | null): Session {
    return Object.assign(new Session(), {
      id: s.id,
      createdAt: s.createdAt,
      expiresAt: s.expiresAt,
      lastUsedAt: s.lastUsedAt ?? null,
      ip: s.ip ?? null,
      userAgent: s.userAgent ?? null,
      current: s.id === currentId,
    });
  }
}

export const SessionConnection = connectionType(Session, 'Session');
