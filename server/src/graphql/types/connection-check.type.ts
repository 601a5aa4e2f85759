import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Outcome of a cheap upstream call (GET …/models) made to check credentials or an address.' })
export class ConnectionCheck {
  @Field(() => Boolean, { description: 'True when the provider answered and accepted the credentials.' })
  ok!: boolean;

  @Field(() => Int, { nullable: true, description: "The provider's HTTP status; null when it could not be reached." })
  status!: number | null;

  @Field(() => Int)
  latencyMs!: number;

  @Field(() => String, { description: 'What happened, in plain words, with what to do next.' })
  message!: string;
}
