// Settings from the environment: every variable read, defaults kept for unset or blank ones, bad values refused by name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { blasCoreFor, ConfigError, DEFAULT_CONFIG, loadConfig, makeConfig, s3Settings } from '../../src/config.js';

test('with no variables set, every setting is its documented default', () => {
  const c = loadConfig({});
  assert.equal(c.port, 4000);
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.dataDir, path.resolve('./data'));
  assert.equal(c.tolerance, 0.6);
  assert.equal(c.maxUploadMb, 10);
  assert.equal(c.maxVideoMb, 200);
  assert.equal(c.videoMaxSeconds, 600);
  assert.equal(c.maxQueuedVideos, 20);
  assert.equal(c.analysisTimeoutS, 30);
  assert.equal(c.maxUnnamedFaces, 100_000);
  assert.deepEqual(c.apiKeys, []);
  assert.equal(c.maxQueryDepth, 12);
  assert.equal(c.maxQueryCost, 10000);
  assert.equal(c.modelsDir, DEFAULT_CONFIG.modelsDir);
  assert.equal(c.maxPixels, 40_000_000);
  assert.equal(c.encoder, 'opencv');
  assert.equal(c.detector, 'cnn');
  assert.equal(c.minFacePx, 20);
  assert.equal(c.threads, os.availableParallelism());
  assert.equal(c.photoStore, undefined, 'photos stay in the data folder');
  assert.equal(s3Settings(c), undefined);
  assert.equal(c.s3Region, 'us-east-1');
});

test('every variable is read', () => {
  const c = loadConfig({
    PORT: '8080',
    HOST: '0.0.0.0',
    DATA_DIR: '/srv/faces',
    DATABASE_URL: 'postgres://face@db/faces',
    FACE_TOLERANCE: '0.5',
    MATCH_FPIR: '0.001',
    MAX_UPLOAD_MB: '4',
    MAX_VIDEO_MB: '50',
    VIDEO_MAX_SECONDS: '30',
    MAX_QUEUED_VIDEOS: '3',
    VIDEO_WORKER: 'false',
    VIDEO_JOB_LEASE_S: '60',
    ANALYSIS_TIMEOUT_S: '5',
    MAX_UNNAMED_FACES: '2500',
    API_KEYS: ' one, two ,,three ',
    MAX_QUERY_DEPTH: '8',
    MAX_QUERY_COST: '20000',
    FACE_MODELS_DIR: 'my-models',
    FACE_MAX_PIXELS: '1000000',
    FACE_ENCODER: 'DLIB',
    FACE_DETECTOR: 'HOG',
    MIN_FACE_PX: '40',
    FACE_THREADS: '1',
    OPENBLAS_CORETYPE: 'Prescott',
    FACE_CORE_KERNELS: 'Baseline',
    PHOTO_STORE: 's3://face-photos/site-a',
    S3_ENDPOINT: 'http://127.0.0.1:8333',
    S3_REGION: 'eu-west-1',
    S3_FORCE_PATH_STYLE: 'false',
    AWS_ACCESS_KEY_ID: 'AKID',
    AWS_SECRET_ACCESS_KEY: 'secret',
  });
  assert.deepEqual(
    { ...c },
    {
      port: 8080,
      host: '0.0.0.0',
      dataDir: '/srv/faces',
      databaseUrl: 'postgres://face@db/faces',
      tolerance: 0.5,
      matchFpir: 0.001,
      maxUploadMb: 4,
      maxVideoMb: 50,
      videoMaxSeconds: 30,
      maxQueuedVideos: 3,
      videoWorker: false,
      videoJobLeaseS: 60,
      analysisTimeoutS: 5,
      maxUnnamedFaces: 2500,
      apiKeys: ['one', 'two', 'three'],
      maxQueryDepth: 8,
      maxQueryCost: 20000,
      modelsDir: path.resolve('my-models'),
      maxPixels: 1_000_000,
      encoder: 'dlib',
      detector: 'hog',
      minFacePx: 40,
      threads: 1,
      blasCore: 'Prescott',
      kernels: 'baseline',
      photoStore: 's3://face-photos/site-a',
      s3Endpoint: 'http://127.0.0.1:8333',
      s3Region: 'eu-west-1',
      s3ForcePathStyle: false,
      awsAccessKeyId: 'AKID',
      awsSecretAccessKey: 'secret',
    },
  );
});

test('PHOTO_STORE selects S3-compatible storage: the bucket in the path whenever an endpoint is given, unless told otherwise', () => {
  const env = { PHOTO_STORE: 's3://face-photos', S3_ENDPOINT: 'http://127.0.0.1:8333', AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' };
  assert.deepEqual(s3Settings(loadConfig(env)), {
    url: 's3://face-photos',
    endpoint: 'http://127.0.0.1:8333',
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
  });
  assert.equal(s3Settings(loadConfig({ ...env, S3_FORCE_PATH_STYLE: 'no' }))?.forcePathStyle, false);
  // Without an endpoint it is AWS itself, and without keys the SDK's own credentials chain.
  assert.deepEqual(s3Settings(loadConfig({ PHOTO_STORE: 's3://face-photos/a/b' })), {
    url: 's3://face-photos/a/b',
    endpoint: undefined,
    region: 'us-east-1',
    forcePathStyle: false,
    credentials: undefined,
  });
  assert.throws(() => loadConfig({ PHOTO_STORE: 's3://face-photos', AWS_ACCESS_KEY_ID: 'AKID' }), /AWS_SECRET_ACCESS_KEY/);
});

test('blank variables keep their defaults', () => {
  const c = loadConfig({ PORT: '  ', FACE_TOLERANCE: '', API_KEYS: ' , ' });
  assert.equal(c.port, 4000);
  assert.equal(c.tolerance, 0.6);
  assert.deepEqual(c.apiKeys, []);
});

test('each bad value is refused with the variable and the value named', () => {
  const bad: [string, string][] = [
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['PORT', '80.5'],
    ['FACE_TOLERANCE', '0'],
    ['FACE_TOLERANCE', '1.5'],
    ['FACE_TOLERANCE', 'NaN'],
    ['MAX_UPLOAD_MB', '-1'],
    ['MAX_UPLOAD_MB', '2000'],
    ['MAX_VIDEO_MB', '0'],
    ['VIDEO_MAX_SECONDS', '-5'],
    ['MAX_QUEUED_VIDEOS', '0'],
    ['VIDEO_WORKER', 'maybe'],
    ['VIDEO_JOB_LEASE_S', '2'],
    ['ANALYSIS_TIMEOUT_S', '0'],
    ['MAX_UNNAMED_FACES', '-1'],
    ['MAX_UNNAMED_FACES', '1.5'],
    ['MAX_QUERY_DEPTH', '1'],
    ['MAX_QUERY_COST', '10'],
    ['FACE_MAX_PIXELS', '0'],
    ['FACE_MAX_PIXELS', '1.5'],
    ['FACE_MAX_PIXELS', 'Infinity'],
    ['FACE_ENCODER', 'tensorflow'],
    ['FACE_DETECTOR', 'yolo'],
    ['MIN_FACE_PX', '8'],
    ['MIN_FACE_PX', '20.5'],
    ['FACE_THREADS', '0'],
    ['FACE_THREADS', '2.5'],
    ['FACE_THREADS', '5000'],
    ['PHOTO_STORE', '/srv/photos'],
    ['PHOTO_STORE', 's3://Bad_Bucket/x'],
    ['S3_ENDPOINT', 'ftp://example.org'],
    ['S3_FORCE_PATH_STYLE', 'maybe'],
  ];
  for (const [name, value] of bad) {
    assert.throws(
      () => loadConfig({ [name]: value }),
      (err: unknown) => err instanceof ConfigError && err.message.includes(name) && err.message.includes(JSON.stringify(value).slice(1, -1)),
      `${name}=${value}`,
    );
  }
});

test('settings given in code get the same checks and the same defaults', () => {
  assert.equal(makeConfig({ dataDir: 'x' }).tolerance, 0.6);
  assert.throws(() => makeConfig({ tolerance: 0 }), /Expected a distance in \(0, 1\] for tolerance \(FACE_TOLERANCE\) but received 0/);
  assert.throws(() => makeConfig({ maxUploadMb: -1 }), ConfigError);
});

test('the OpenBLAS kernel is named from the CPU flags', () => {
  assert.equal(blasCoreFor('flags\t\t: fpu sse2 avx2 fma avx512f avx512bw avx512dq avx512vl\n'), 'SkylakeX');
  assert.equal(blasCoreFor('flags\t\t: fpu sse2 avx avx2 fma\n'), 'Haswell');
  assert.equal(blasCoreFor('flags\t\t: fpu sse2 sse3\n'), undefined);
  assert.equal(blasCoreFor(''), undefined);
});

test('DATABASE_URL selects PostgreSQL; unset it is SQLite in DATA_DIR, and anything but a postgres URL is refused', () => {
  assert.equal(loadConfig({}).databaseUrl, undefined);
  assert.equal(loadConfig({ DATABASE_URL: '  ' }).databaseUrl, undefined);
  assert.equal(loadConfig({ DATABASE_URL: 'postgres://face:secret@db:5432/faces' }).databaseUrl, 'postgres://face:secret@db:5432/faces');
  assert.equal(loadConfig({ DATABASE_URL: 'postgresql://db/faces' }).databaseUrl, 'postgresql://db/faces');
  assert.throws(
    () => loadConfig({ DATABASE_URL: 'mysql://db/faces' }),
    /Expected a PostgreSQL URL .* \(DATABASE_URL\) but received "mysql:\/\/db\/faces"/,
  );
});
