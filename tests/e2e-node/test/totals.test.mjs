// The results parser of tests/run.sh, checked on real outputs of dotnet test (trx) and node --test (TAP).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { parseTrx, parseTap, parseJunit, total, totalsLine } from '../tools/totals.mjs';

const fixture = (name) => new URL(`./fixtures/${name}`, import.meta.url).pathname;
const tool = new URL('../tools/totals.mjs', import.meta.url).pathname;

test('trx: counts passed, failed and xunit-skipped tests and names the failures', () => {
  const r = parseTrx(readFileSync(fixture('sample.trx'), 'utf8'));
  assert.deepEqual({ passed: r.passed, failed: r.failed, skipped: r.skipped }, { passed: 1, failed: 2, skipped: 1 });
  assert.deepEqual(r.failedNames.sort(), ['Sample.SampleTests.Fails', 'Sample.SampleTests.Theory1(s: "a<b&c")']);
});

test('tap: cancelled counts as failed, todo as skipped, leaves and hook failures are named', () => {
  const r = parseTap(readFileSync(fixture('sample.tap'), 'utf8'));
  assert.deepEqual({ passed: r.passed, failed: r.failed, skipped: r.skipped }, { passed: 4, failed: 3, skipped: 2 });
  assert.deepEqual(r.failedNames.map((n) => n.split(' -- ')[0]), ['suite > bad', 'hookfail > x', 'hookfail > y', 'hookfail']);
});

test('tap without a summary is an error, not zero tests', () => {
  assert.throws(() => parseTap('TAP version 13\nok 1 - x\n'), /summary/);
});

test('junit (Pester 6.2.0): skipped apart, a broken file and tests behind a failed setup count as failures, names unescaped', () => {
  const r = parseJunit(readFileSync(fixture('sample.junit.xml'), 'utf8'));
  assert.deepEqual({ passed: r.passed, failed: r.failed, skipped: r.skipped }, { passed: 1, failed: 4, skipped: 1 });
  assert.deepEqual(r.failedNames.map((n) => n.split(' -- ')[0]), ['/src/Broken.Tests.ps1', 'suite.fails a<b&c', 'hookfail.x', 'hookfail.y']);
  assert.match(r.failedNames[0], /-- RuntimeException: file broke/);
  assert.equal(total([fixture('sample.junit.xml')]).failed, 4);
});

test('junit whose testcases do not add up to tests="N" (a truncated file) is an error', () => {
  const xml = readFileSync(fixture('sample.junit.xml'), 'utf8').replace(/<testcase name="suite\.passes"[^>]*\/>/, '');
  assert.throws(() => parseJunit(xml), /testcases but tests="6"/);
});

test('missing results files and problems count as failures', () => {
  const r = total([fixture('sample.trx'), '/nonexistent/x.trx'], ['host did not start']);
  assert.equal(r.failed, 2 + 1 + 1);
  assert.match(r.failedNames.join('\n'), /x\.trx: .*missing/);
  assert.match(r.failedNames.join('\n'), /problem: host did not start/);
});

test('totals line: skipped only when there are some', () => {
  assert.equal(totalsLine({ passed: 3, failed: 0, skipped: 0 }), '3 passed, 0 failed');
  assert.equal(totalsLine({ passed: 3, failed: 1, skipped: 2 }), '3 passed, 1 failed, 2 skipped');
});

test('cli: last line is the totals; exit code 1 on failures and on zero tests, 0 when all pass', () => {
  const dir = mkdtempSync(join(tmpdir(), 'totals-'));
  const run = (...args) => {
    try { return { code: 0, out: execFileSync('node', [tool, ...args], { encoding: 'utf8' }) }; }
    catch (e) { return { code: e.status, out: e.stdout }; }
  };
  const bad = run(fixture('sample.trx'), fixture('sample.tap'));
  assert.equal(bad.code, 1);
  assert.equal(bad.out.trimEnd().split('\n').at(-1), '5 passed, 5 failed, 3 skipped');

  writeFileSync(join(dir, 'ok.tap'), '# tests 2\n# pass 2\n# fail 0\n# cancelled 0\n# skipped 0\n# todo 0\n');
  const good = run(join(dir, 'ok.tap'));
  assert.deepEqual(good, { code: 0, out: '2 passed, 0 failed\n' });

  writeFileSync(join(dir, 'none.tap'), '# tests 0\n# pass 0\n# fail 0\n');
  const none = run(join(dir, 'none.tap'));
  assert.equal(none.code, 1);
  assert.equal(none.out.trimEnd().split('\n').at(-1), '0 passed, 0 failed');
});
