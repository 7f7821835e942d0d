/**
 * Off-site copy: uploads a backup and its manifest to an S3-compatible bucket (AWS S3, MinIO, Cloudflare
 * R2, Backblaze B2, …) when BACKUP_S3_BUCKET is set. The SDK is imported only then, so it costs nothing at
 * start-up. Retention in the bucket is the bucket's own lifecycle rule, not ours.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { BackupS3Config } from '../../config.js';
import { BackupError } from './backup-error.js';

/** One PutObject carries at most 5 GiB; a larger dump would need a multipart upload. */
const MAX_SINGLE_PUT_BYTES = 5 * 1024 ** 3;
/** The SDK does not retry a streamed body, so each file is retried here, from a fresh stream. */
const MAX_ATTEMPTS = 3;
const RETRY_BACKOFF_MS = 500;
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/** Uploads `paths` in order (the dump first, its manifest last: a manifest in the bucket means a complete copy); returns the keys. */
export async function uploadToS3(s3: BackupS3Config, paths: readonly string[], sha256: string): Promise<string[]> {
  const { S3Client, PutObjectCommand } = await import('@aws-sdk/client-s3');
  const client = new S3Client({
    region: s3.region,
    ...(s3.endpoint !== null ? { endpoint: s3.endpoint } : {}),
    forcePathStyle: s3.forcePathStyle,
    ...(s3.accessKeyId !== null && s3.secretAccessKey !== null ? { credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } } : {}),
    // Newer SDKs add CRC checksums (and aws-chunked bodies) that several S3-compatible stores reject;
    // integrity is checked end to end by the sha256 in the manifest instead.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
    logger: quiet,
  });
  const keys: string[] = [];
  try {
    for (const path of paths) {
      const { size } = await stat(path);
      if (size > MAX_SINGLE_PUT_BYTES) throw new BackupError(`${path} is ${size} bytes, over the 5 GiB a single S3 upload carries; copy it with a multipart-capable tool (aws s3 cp)`);
      const key = `${s3.prefix}${basename(path)}`;
      const put = () =>
        new PutObjectCommand({
          Bucket: s3.bucket,
          Key: key,
          Body: createReadStream(path),
          ContentLength: size,
          ContentType: path.endsWith('.json') ? 'application/json' : 'application/octet-stream',
          Metadata: { 'backup-sha256': sha256 },
        });
      for (let attempt = 1; ; attempt += 1) {
        try {
          await client.send(put());
          break;
        } catch (error) {
          if (attempt >= MAX_ATTEMPTS) throw error;
          await new Promise((resolve) => setTimeout(resolve, RETRY_BACKOFF_MS * attempt));
        }
      }
      keys.push(key);
    }
  } catch (error) {
    if (error instanceof BackupError) throw error;
    const where = `s3://${s3.bucket}/${s3.prefix}${s3.endpoint !== null ? ` at ${s3.endpoint}` : ''}`;
    throw new BackupError(`upload to ${where} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    client.destroy();
  }
  return keys;
}
