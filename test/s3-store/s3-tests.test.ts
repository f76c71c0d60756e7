/**
 * The S3 compatibility suite (ceph/s3-tests, boto3 + pytest) against `sagekit serve`'s own S3
 * store: the groups the store promises (buckets, listings V1/V2 with delimiters, prefixes,
 * paging and encoding, object read/write/head/delete, multi-delete, ranges, multipart, copy).
 * The suite is third-party code kept beside the project (`../shared/s3-tests`, unpacked into a
 * temporary folder here, never copied into the repository) and run with Debian's python3
 * (scripts/ensure-test-tools.sh installs its packages). Missing suite or packages: skipped with
 * a note, except under CI=true, where they must be present.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { startServeProcess, type ServeProcess } from '../serve/helpers.js';

const SUITE = path.resolve(ROOT, '../shared/s3-tests/ceph-s3-tests-8f0ae7b.tgz');
const PYTHON = '/usr/bin/python3';
const MODULES = 'import munch, gevent, isodate, lxml, httplib2, pytz, pytest, yaml, requests, boto3';

function missing(): string | undefined {
  if (!existsSync(SUITE)) return `the suite is not at ${SUITE}`;
  if (spawnSync(PYTHON, ['-c', MODULES]).status !== 0) return `${PYTHON} lacks the suite's packages (bash scripts/ensure-test-tools.sh installs them)`;
  return undefined;
}
const why = missing();
if (why && process.env.CI === 'true') throw new Error(`the S3 compatibility suite cannot run: ${why}`);
if (why) console.warn(`skipping the S3 compatibility suite: ${why}`);

/** The groups the store promises, by test name. */
const SELECTED = [
  'test_bucket_list',
  'test_bucket_listv2',
  'test_list_buckets',
  'test_bucket_create',
  'test_bucket_delete',
  'test_bucket_head',
  'test_bucket_notexist',
  'test_bucket_recreate',
  'test_object_write',
  'test_object_read',
  'test_object_head',
  'test_object_delete',
  'test_object_put',
  'test_put_object',
  'test_get_object',
  'test_object_raw',
  'test_multi_object_delete',
  'test_ranged',
  'test_multipart',
  'test_object_copy',
].join(' or ');

/** Out of scope by the suite's own markers: features of a multi-user, versioned, policy-driven service. */
const OUT_OF_SCOPE_MARKERS =
  'fails_on_aws or versioning or lifecycle or bucket_policy or tagging or encryption or sse_s3 or bucket_encryption or object_lock or s3select or s3website or storage_class or appendobject or auth_aws2 or user_policy or group_policy or role_policy or iam_account or iam_user or iam_role or iam_tenant or abac_test or bucket_logging or conditional_write or checksum or object_ownership or test_of_sts or webidentity_test or cloud_transition or cloud_restore or delete_marker or sns or session_policy or iam_cross_account or group';

/** Selected by name but out of scope (docs/s3-store.md): ACLs, anonymous and other users, signature expiry, versioning, policies, torrents, attributes, part reads. */
const OUT_OF_SCOPE_TESTS = [
  'test_bucket_list_return_data',
  'test_bucket_list_return_data_versioning',
  'test_bucket_list_objects_anonymous',
  'test_bucket_listv2_objects_anonymous',
  'test_bucket_list_objects_anonymous_fail',
  'test_bucket_listv2_objects_anonymous_fail',
  'test_object_raw_get_object_acl',
  'test_object_put_acl_mtime',
  'test_object_raw_get_x_amz_expires_not_expired',
  'test_object_raw_get_x_amz_expires_not_expired_tenant',
  'test_object_raw_get_x_amz_expires_out_range_zero',
  'test_object_raw_get_x_amz_expires_out_max_range',
  'test_object_raw_get_x_amz_expires_out_positive_range',
  'test_object_raw_put_authenticated_expired',
  'test_bucket_create_exists_nonowner',
  'test_bucket_recreate_overwrite_acl',
  'test_bucket_recreate_new_acl',
  'test_list_buckets_invalid_auth',
  'test_list_buckets_bad_auth',
  'test_list_buckets_paginated',
  'test_bucket_create_special_key_names',
  'test_object_copy_not_owned_bucket',
  'test_object_copy_not_owned_object_bucket',
  'test_object_copy_versioned_bucket',
  'test_object_copy_versioned_url_encoding',
  'test_object_copy_versioning_multipart_upload',
  'test_multipart_copy_versioned',
  'test_multipart_get_part',
  'test_multipart_single_get_part',
  'test_multipart_resend_first_finishes_last',
  'test_object_read_unreadable',
  'test_multipart_upload_on_a_bucket_with_policy',
  'test_get_object_torrent',
  'test_get_object_attributes',
];

function config(port: number): string {
  const user = (name: string) =>
    `display_name = ${name}\nuser_id = ${name}\nemail = ${name}@example.com\naccess_key = AKID${name.toUpperCase()}\nsecret_key = secret-${name}\n`;
  return [
    `[DEFAULT]\nhost = 127.0.0.1\nport = ${port}\nis_secure = False\nssl_verify = False\n`,
    '[fixtures]\nbucket prefix = sagekit-{random}-\n',
    `[s3 main]\n${user('main')}api_name = default\n`,
    `[s3 alt]\n${user('alt')}`,
    `[s3 tenant]\n${user('tenant')}tenant = tenant\n`,
    `[iam]\n${user('iam')}`,
    `[iam root]\n${user('root')}`,
    `[iam alt root]\n${user('altroot')}`,
  ].join('\n');
}

let dir: string;
let serve: ServeProcess;

beforeAll(async () => {
  if (why) return;
  dir = await mkdtemp(path.join(os.tmpdir(), 'sagekit-s3-tests-'));
  execFileSync('tar', ['-xzf', SUITE, '-C', dir]);
  serve = await startServeProcess(path.join(dir, 'state'));
  await writeFile(path.join(dir, 's3tests.conf'), config(Number(new URL(serve.url).port)));
});

afterAll(async () => {
  await serve?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.skipIf(why !== undefined)('ceph/s3-tests against the S3 store of sagekit serve', () => {
  it('passes every selected test of the groups the store promises', { timeout: 600_000 }, () => {
    const args = ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 's3tests/functional/test_s3.py', '-k', SELECTED, '-m', `not (${OUT_OF_SCOPE_MARKERS})`];
    for (const name of OUT_OF_SCOPE_TESTS) args.push('--deselect', `s3tests/functional/test_s3.py::${name}`);
    const run = spawnSync(PYTHON, args, {
      cwd: dir,
      env: { ...process.env, S3TEST_CONF: path.join(dir, 's3tests.conf') },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    const output = `${run.stdout}\n${run.stderr}`;
    const summary = /(\d+) passed/.exec(output);
    const failed = output.split('\n').filter((line) => /^(FAILED|ERROR) /.test(line));
    console.log(`ceph/s3-tests: ${summary?.[0] ?? 'no summary'}, ${failed.length} failed`);
    expect(failed, output.slice(-4000)).toEqual([]);
    expect(run.status, output.slice(-4000)).toBe(0);
    // The selection must keep running what it promises: at least the 157 tests it passed when written.
    expect(Number(summary?.[1])).toBeGreaterThanOrEqual(157);
  });
});
