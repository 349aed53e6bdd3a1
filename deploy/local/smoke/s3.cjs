// Smoke test of the local S3 server (SeaweedFS) with the AWS SDK for JavaScript v3
// (run by deploy/local/smoke.sh). Connection settings from the environment, else
// from `deploy/local/stack.sh env`; works in a bucket of its own and deletes it.
// Runs every step, prints ok/FAIL per step, exits non-zero if any step failed.
const { execFileSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { readFileSync } = require('node:fs');
const path = require('node:path');
const S3 = require('@aws-sdk/client-s3');

function settings() {
  if (process.env.EVIDENCE_S3_ENDPOINT) return process.env;
  const out = execFileSync('bash', [path.join(__dirname, '..', 'stack.sh'), 'env'], {
    encoding: 'utf8',
  });
  return Object.fromEntries(
    out
      .split('\n')
      .map((line) => /^([A-Z0-9_]+)=(.*)$/.exec(line))
      .filter(Boolean)
      .map((m) => [m[1], m[2]]),
  );
}
const env = settings();
const endpoint = env.EVIDENCE_S3_ENDPOINT;
const region = env.EVIDENCE_S3_REGION || 'us-east-1';
const evidenceBucket = env.EVIDENCE_S3_BUCKET || 'gridline-evidence';
const accessKeyId = env.EVIDENCE_S3_ACCESS_KEY_ID;
const secretAccessKey = readFileSync(env.EVIDENCE_S3_SECRET_KEY_FILE, 'utf8').trim();
const client = (credentials) =>
  new S3.S3Client({ endpoint, region, forcePathStyle: true, credentials, maxAttempts: 1 });
const s3 = client({ accessKeyId, secretAccessKey });
const bucket = `gridline-smoke-${Date.now().toString(36)}`;
const results = [];

// required=false marks a probe of behaviour AWS has and SeaweedFS may lack: reported, never fatal.
async function step(name, fn, required = true) {
  try {
    const detail = await fn();
    results.push([name, true, required]);
    console.log(`ok   ${name}${detail ? `: ${detail}` : ''}`);
  } catch (err) {
    results.push([name, false, required]);
    console.log(`${required ? 'FAIL' : 'n/a '} ${name}: ${err.name}: ${err.message}`);
  }
}
function expect(cond, msg) {
  if (!cond) throw new Error(msg);
}
/** The command must be refused with this HTTP status (and error name, if given). */
async function refused(promise, status, name) {
  try {
    await promise;
  } catch (err) {
    const got = err.$metadata?.httpStatusCode;
    expect(got === status, `refused with ${got} ${err.name}, expected ${status}`);
    expect(!name || err.name === name, `refused as ${err.name}, expected ${name}`);
    return `refused (${got} ${err.name})`;
  }
  throw new Error('accepted');
}
const sha256 = (buf) => createHash('sha256').update(buf).digest('hex');
const body = async (r) => Buffer.from(await r.Body.transformToByteArray());
const put = (Key, Body, extra = {}) =>
  s3.send(new S3.PutObjectCommand({ Bucket: bucket, Key, Body, ...extra }));
const del = (Key, VersionId, BypassGovernanceRetention) =>
  s3.send(
    new S3.DeleteObjectCommand({ Bucket: bucket, Key, VersionId, BypassGovernanceRetention }),
  );

async function main() {
  console.log(`endpoint ${endpoint}, access key id ${accessKeyId}, bucket ${bucket}`);

  await step('signed request of the identity (ListBuckets)', async () => {
    const r = await s3.send(new S3.ListBucketsCommand({}));
    return r.Buckets.map((b) => b.Name).join(', ');
  });
  await step('wrong secret refused', () =>
    refused(
      client({ accessKeyId, secretAccessKey: `${secretAccessKey}x` }).send(
        new S3.ListBucketsCommand({}),
      ),
      403,
      'SignatureDoesNotMatch',
    ),
  );
  await step('unknown access key id refused', () =>
    refused(
      client({ accessKeyId: 'AKIAEXAMPLEUNKNOWN00', secretAccessKey }).send(
        new S3.PutObjectCommand({ Bucket: evidenceBucket, Key: 'smoke', Body: 'x' }),
      ),
      403,
      'InvalidAccessKeyId',
    ),
  );
  await step('anonymous requests refused', async () => {
    for (const [method, url] of [
      ['GET', '/'],
      ['GET', `/${evidenceBucket}`],
      ['PUT', `/${evidenceBucket}/anonymous`],
    ]) {
      const r = await fetch(`${endpoint}${url}`, { method, body: method === 'PUT' ? 'x' : null });
      expect(r.status === 403, `${method} ${url}: ${r.status}`);
    }
    return '403 for GET /, GET and PUT in the bucket';
  });
  await step(`${evidenceBucket}: Object Lock and versioning on`, async () => {
    const lock = await s3.send(
      new S3.GetObjectLockConfigurationCommand({ Bucket: evidenceBucket }),
    );
    const v = await s3.send(new S3.GetBucketVersioningCommand({ Bucket: evidenceBucket }));
    expect(lock.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled', 'no Object Lock');
    expect(v.Status === 'Enabled', `versioning ${v.Status}`);
  });

  await step('CreateBucket with ObjectLockEnabledForBucket', async () => {
    await s3.send(new S3.CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
    const v = await s3.send(new S3.GetBucketVersioningCommand({ Bucket: bucket }));
    expect(v.Status === 'Enabled', `versioning ${v.Status}`);
  });
  const big = Buffer.alloc(5 * 1024 * 1024);
  for (let i = 0; i < big.length; i += 4096) big.writeUInt32LE((i * 2654435761) >>> 0, i);
  await step('5 MB put/get round trip, SHA-256 equal', async () => {
    await put('big', big, { ChecksumAlgorithm: 'SHA256' });
    const got = await body(await s3.send(new S3.GetObjectCommand({ Bucket: bucket, Key: 'big' })));
    expect(sha256(got) === sha256(big), 'content differs');
    return sha256(got).slice(0, 16);
  });
  await step('multipart upload (2 parts of 5 MB)', async () => {
    const { UploadId } = await s3.send(
      new S3.CreateMultipartUploadCommand({ Bucket: bucket, Key: 'multi' }),
    );
    const Parts = [];
    for (const PartNumber of [1, 2]) {
      const r = await s3.send(
        new S3.UploadPartCommand({ Bucket: bucket, Key: 'multi', UploadId, PartNumber, Body: big }),
      );
      Parts.push({ PartNumber, ETag: r.ETag });
    }
    await s3.send(
      new S3.CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: 'multi',
        UploadId,
        MultipartUpload: { Parts },
      }),
    );
    const got = await body(
      await s3.send(new S3.GetObjectCommand({ Bucket: bucket, Key: 'multi' })),
    );
    expect(sha256(got) === sha256(Buffer.concat([big, big])), 'content differs');
  });

  let v1;
  await step('versioning: two puts keep two versions, the old one readable', async () => {
    v1 = (await put('doc', 'one')).VersionId;
    const v2 = (await put('doc', 'two')).VersionId;
    expect(v1 && v2 && v1 !== v2, `version ids ${v1} ${v2}`);
    const old = await s3.send(
      new S3.GetObjectCommand({ Bucket: bucket, Key: 'doc', VersionId: v1 }),
    );
    expect((await body(old)).toString() === 'one', 'old version content');
    const list = await s3.send(new S3.ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'doc' }));
    expect(list.Versions.length === 2, `${list.Versions.length} versions`);
  });
  await step('GOVERNANCE retention: version delete refused, allowed with bypass', async () => {
    const RetainUntilDate = new Date(Date.now() + 3600_000);
    await s3.send(
      new S3.PutObjectRetentionCommand({
        Bucket: bucket,
        Key: 'doc',
        VersionId: v1,
        Retention: { Mode: 'GOVERNANCE', RetainUntilDate },
      }),
    );
    const r = await s3.send(
      new S3.GetObjectRetentionCommand({ Bucket: bucket, Key: 'doc', VersionId: v1 }),
    );
    expect(r.Retention?.Mode === 'GOVERNANCE', `mode ${r.Retention?.Mode}`);
    const detail = await refused(del('doc', v1), 403, 'AccessDenied');
    await del('doc', v1, true);
    return detail;
  });
  await step('delete without a version id only adds a delete marker', async () => {
    const r = await del('doc');
    expect(r.DeleteMarker === true, 'no delete marker');
    const list = await s3.send(new S3.ListObjectVersionsCommand({ Bucket: bucket, Prefix: 'doc' }));
    expect(list.Versions.length === 1 && list.DeleteMarkers.length === 1, 'versions changed');
  });
  await step('COMPLIANCE retention: refused even with bypass, deletable once expired', async () => {
    const until = new Date(Date.now() + 3000);
    const { VersionId } = await put('sealed', 'sealed', {
      ObjectLockMode: 'COMPLIANCE',
      ObjectLockRetainUntilDate: until,
    });
    await refused(del('sealed', VersionId, true), 403, 'AccessDenied');
    await refused(
      s3.send(
        new S3.PutObjectRetentionCommand({
          Bucket: bucket,
          Key: 'sealed',
          VersionId,
          BypassGovernanceRetention: true,
          Retention: { Mode: 'GOVERNANCE', RetainUntilDate: until },
        }),
      ),
      403,
    );
    await new Promise((resolve) => setTimeout(resolve, until.getTime() - Date.now() + 1500));
    await del('sealed', VersionId);
  });
  await step('legal hold: delete refused while ON', async () => {
    const { VersionId } = await put('held', 'held');
    const hold = (Status) =>
      s3.send(
        new S3.PutObjectLegalHoldCommand({
          Bucket: bucket,
          Key: 'held',
          VersionId,
          LegalHold: { Status },
        }),
      );
    await hold('ON');
    await refused(del('held', VersionId, true), 403, 'AccessDenied');
    await hold('OFF');
    await del('held', VersionId);
  });
  await step('default retention of the bucket applies to new objects', async () => {
    await s3.send(
      new S3.PutObjectLockConfigurationCommand({
        Bucket: bucket,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 1 } },
        },
      }),
    );
    const { VersionId } = await put('defaulted', 'x');
    const r = await s3.send(
      new S3.GetObjectRetentionCommand({ Bucket: bucket, Key: 'defaulted', VersionId }),
    );
    expect(r.Retention?.Mode === 'GOVERNANCE', `mode ${r.Retention?.Mode}`);
    return await refused(del('defaulted', VersionId), 403, 'AccessDenied');
  });
  await step('versioning cannot be suspended on an Object Lock bucket', () =>
    refused(
      s3.send(
        new S3.PutBucketVersioningCommand({
          Bucket: bucket,
          VersioningConfiguration: { Status: 'Suspended' },
        }),
      ),
      409,
    ),
  );
  const plain = `${bucket}-plain`;
  await step(
    'retention refused on a bucket without Object Lock (AWS: InvalidRequest)',
    async () => {
      await s3.send(new S3.CreateBucketCommand({ Bucket: plain }));
      await s3.send(
        new S3.PutBucketVersioningCommand({
          Bucket: plain,
          VersioningConfiguration: { Status: 'Enabled' },
        }),
      );
      await s3.send(new S3.PutObjectCommand({ Bucket: plain, Key: 'k', Body: 'x' }));
      return await refused(
        s3.send(
          new S3.PutObjectRetentionCommand({
            Bucket: plain,
            Key: 'k',
            Retention: { Mode: 'GOVERNANCE', RetainUntilDate: new Date(Date.now() + 60_000) },
          }),
        ),
        400,
      );
    },
    false,
  );

  await step('cleanup: every version (bypassing governance), then the buckets', async () => {
    for (const name of [bucket, plain]) {
      let list;
      try {
        list = await s3.send(new S3.ListObjectVersionsCommand({ Bucket: name }));
      } catch (err) {
        if (err.name === 'NoSuchBucket') continue;
        throw err;
      }
      for (const o of [...(list.Versions ?? []), ...(list.DeleteMarkers ?? [])])
        await s3.send(
          new S3.DeleteObjectCommand({
            Bucket: name,
            Key: o.Key,
            VersionId: o.VersionId,
            BypassGovernanceRetention: true,
          }),
        );
      await s3.send(new S3.DeleteBucketCommand({ Bucket: name }));
    }
  });

  const failed = results.filter(([, ok, required]) => !ok && required);
  const missing = results.filter(([, ok, required]) => !ok && !required);
  console.log(
    `\n${results.length - failed.length - missing.length}/${results.length} ok` +
      (missing.length ? `, ${missing.length} n/a (differs from AWS)` : '') +
      (failed.length ? `, FAILED: ${failed.map(([n]) => n).join('; ')}` : ''),
  );
  process.exit(failed.length ? 1 : 0);
}

main().catch((err) => {
  console.error('s3 smoke test aborted:', err);
  process.exit(1);
});
