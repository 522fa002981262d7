/**
 * One configuration for every AWS SDK client: timeouts, retries and the emulator overrides. The SDK itself
 * reads `AWS_ENDPOINT_URL_<SERVICE>`; when one is set we are talking to an emulator and adapt the few client
 * settings the emulators need. Each client is created once per process and reused.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';

const handler = (requestTimeout: number) => new NodeHttpHandler({ connectionTimeout: 2_000, requestTimeout });

const emulated = (service: 'S3' | 'KINESIS' | 'DYNAMODB', env: NodeJS.ProcessEnv) =>
  Boolean(env[`AWS_ENDPOINT_URL_${service}`]);

let kinesis: KinesisClient | undefined;
let s3: S3Client | undefined;
let dynamodb: DynamoDBClient | undefined;
let secretsManager: SecretsManagerClient | undefined;

export function kinesisClient(env: NodeJS.ProcessEnv = process.env): KinesisClient {
  // The Kinesis client defaults to HTTP/2, which only SubscribeToShard needs and kinesalite does not speak.
  // Short timeouts: the collector must answer within its own deadline, and PutRecords normally takes ~20 ms.
  kinesis ??= new KinesisClient({ maxAttempts: 2, requestHandler: handler(3_000), ...defaultRegion(env) });
  return kinesis;
}

export function s3Client(env: NodeJS.ProcessEnv = process.env): S3Client {
  const local = emulated('S3', env);
  s3 ??= new S3Client({
    maxAttempts: 4,
    requestHandler: handler(60_000),
    // s3rver only understands path-style addressing and rejects the SDK's default CRC32 trailers.
    forcePathStyle: local,
    ...(local
      ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
      : {}),
    ...defaultRegion(env),
  });
  return s3;
}

export function dynamoDbClient(env: NodeJS.ProcessEnv = process.env): DynamoDBClient {
  dynamodb ??= new DynamoDBClient({ maxAttempts: 3, requestHandler: handler(5_000), ...defaultRegion(env) });
  return dynamodb;
}

/** Read at cold start only (the webhook secrets), where a short timeout beats a function stuck at start. */
export function secretsManagerClient(env: NodeJS.ProcessEnv = process.env): SecretsManagerClient {
  secretsManager ??= new SecretsManagerClient({
    maxAttempts: 3,
    requestHandler: handler(3_000),
    ...defaultRegion(env),
  });
  return secretsManager;
}

/**
 * The document client every DynamoDB adapter uses. `DynamoDBDocumentClient.from` writes its marshalling options
 * into the client it wraps (they share one configuration and middleware stack), so adapters wrapping the same
 * client with different options would silently change each other's: every adapter takes this one instead.
 */
export function dynamoDbDocuments(client: DynamoDBClient = dynamoDbClient()): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** The emulators accept any region; the local runtime sets `AWS_REGION`, and this is the fallback for tools. */
function defaultRegion(env: NodeJS.ProcessEnv): { region?: string } {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION ? {} : { region: 'us-east-1' };
}
