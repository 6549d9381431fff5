/**
 * dynalite (DynamoDB API emulator) in memory on a loopback port, with the blocklist table created.
 * Used by the local stack and by the integration tests. dynalite has no TTL deletion and no UpdateTimeToLive:
 * readers ignore expired items anyway (the same code path as in AWS, where TTL deletes lazily).
 */
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { PARTITION_KEY, SORT_KEY } from '../lambdas/adapters/dynamodb/schema.js';

export interface LocalDynamo {
  readonly endpoint: string;
  readonly port: number;
  /** A client for the emulator (dummy credentials, region us-east-1). */
  readonly client: DynamoDBClient;
  createTable(name: string): Promise<void>;
  stop(): Promise<void>;
}

/** Credentials and region that make the SDK talk to an emulator without touching any real profile. */
export const LOCAL_AWS = {
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
} as const;

export async function startDynalite(options: { port?: number; host?: string } = {}): Promise<LocalDynamo> {
  const host = options.host ?? '127.0.0.1';
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const endpoint = `http://${host}:${port}`;
  const client = new DynamoDBClient({ ...LOCAL_AWS, endpoint, maxAttempts: 1 });
  return {
    endpoint,
    port,
    client,
    createTable: (name) => createBlocklistTable(client, name),
    async stop() {
      client.destroy();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // dynalite keeps idle keep-alive sockets; close them so the process can exit.
        (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
    },
  };
}

/** Creates the table with the module's key schema (see modules/table and docs/table-schema.md). */
export async function createBlocklistTable(client: DynamoDBClient, name: string): Promise<void> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: PARTITION_KEY, AttributeType: 'S' },
        { AttributeName: SORT_KEY, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: PARTITION_KEY, KeyType: 'HASH' },
        { AttributeName: SORT_KEY, KeyType: 'RANGE' },
      ],
    }),
  );
}
