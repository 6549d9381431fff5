/**
 * Replay protection for Security Event Tokens: each accepted SET's (`iss`, `jti`) is remembered in the blocklist
 * table until the SET would be refused as too old anyway, so a SET is acted on at most once. The item
 * (docs/table-schema.md) is outside every user partition and outside the `rev#` range the authorizer reads:
 *
 *   pk `set#<sha256 of the JSON array [iss, jti], hex>`   sk `jti`   iss, receivedAt, expiresAt (TTL)
 *
 * The pair is hashed so that any `jti` the transmitter chooses (length, characters) makes a valid, fixed-size key;
 * hashing it as a JSON array keeps every two different pairs apart (a separator character would not).
 * Claimed with a conditional PutItem before the revocation; released (DeleteItem) when the revocation failed, so the
 * transmitter's retry is not refused as a replay.
 */
import { createHash } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';

export interface ReplayGuard {
  /** `true` when this (iss, jti) was not seen before and is now remembered until `expiresAt`; `false` for a replay. */
  claim(iss: string, jti: string, receivedAt: number, expiresAt: number): Promise<boolean>;
  /** Forgets a claim (the revocation it guarded did not happen). Never throws. */
  release(iss: string, jti: string): Promise<void>;
}

export function replayKey(iss: string, jti: string) {
  const digest = createHash('sha256')
    .update(JSON.stringify([iss, jti]))
    .digest('hex');
  return { pk: { S: `set#${digest}` }, sk: { S: 'jti' } };
}

export function createReplayGuard(client: DynamoDBClient, tableName: string): ReplayGuard {
  return {
    async claim(iss, jti, receivedAt, expiresAt) {
      try {
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              ...replayKey(iss, jti),
              iss: { S: iss },
              receivedAt: { N: String(receivedAt) },
              expiresAt: { N: String(expiresAt) },
            },
            // An item past its TTL that DynamoDB has not deleted yet does not count (readers ignore expired items).
            ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
            ExpressionAttributeValues: { ':now': { N: String(receivedAt) } },
          }),
        );
        return true;
      } catch (error) {
        if (
          error instanceof ConditionalCheckFailedException ||
          (error as { name?: string })?.name === 'ConditionalCheckFailedException'
        )
          return false;
        throw error;
      }
    },
    async release(iss, jti) {
      try {
        await client.send(new DeleteItemCommand({ TableName: tableName, Key: replayKey(iss, jti) }));
      } catch {
        // The claim expires with its TTL; until then a retry of this SET is refused as a replay (logged by the caller).
      }
    },
  };
}
