#!/usr/bin/env node
// Adds up test results from .trx files (dotnet test), TAP files (node --test) and JUnit XML (Pester, *.junit.xml) and prints
// failing test names, then one last line "N passed, N failed[, N skipped]".
// Usage: totals.mjs [--problem TEXT]... FILE...
// A --problem (a step that failed outside any test, e.g. a crashed test host) counts as one failure.
// Exit code: 0 only if nothing failed and at least one test ran.
import { readFileSync, existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const attrs = (tag) => Object.fromEntries([...tag.matchAll(/([\w:]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
const unescapeXml = (s) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
const num = (v) => Number.parseInt(v ?? '0', 10) || 0;

export function parseTrx(xml) {
  const tag = xml.match(/<Counters\b[^>]*>/);
  if (!tag) throw new Error('no <Counters> element');
  const c = attrs(tag[0]);
  const results = [...xml.matchAll(/<UnitTestResult\b[^>]*>/g)].map((m) => attrs(m[0]));
  const failedNames = results
    .filter((a) => a.outcome === 'Failed' || a.outcome === 'Error' || a.outcome === 'Timeout' || a.outcome === 'Aborted')
    .map((a) => unescapeXml(a.testName ?? '?'));
  const failed = num(c.failed) + num(c.error) + num(c.timeout) + num(c.aborted);
  // xunit's skipped tests show up as NotExecuted results while Counters.notExecuted stays 0.
  const skipped = Math.max(num(c.notExecuted), results.filter((a) => a.outcome === 'NotExecuted').length);
  return { passed: num(c.passed), failed: Math.max(failed, failedNames.length), skipped, failedNames };
}

export function parseTap(tap) {
  const summary = {};
  for (const m of tap.matchAll(/^# (tests|pass|fail|cancelled|skipped|todo) (\d+)\s*$/gm)) summary[m[1]] = num(m[2]);
  if (summary.tests === undefined) throw new Error('no "# tests N" summary (did the runner crash?)');
  const lines = tap.split('\n');
  const stack = [];
  const failedNames = [];
  for (let i = 0; i < lines.length; i++) {
    const sub = lines[i].match(/^( *)# Subtest: (.*)$/);
    if (sub) { stack.length = sub[1].length / 4; stack.push(sub[2]); continue; }
    const bad = lines[i].match(/^( *)not ok \d+ - (.*?)(?: # (?:SKIP|TODO).*)?$/);
    if (!bad) continue;
    const depth = bad[1].length / 4;
    let yaml = '';
    for (let j = i + 1; j < lines.length && /^ *(---|\.\.\.|\w+:|  )/.test(lines[j]) && !/^ *(not )?ok \d/.test(lines[j]); j++) yaml += lines[j] + '\n';
    if (/failureType: 'subtestsFailed'/.test(yaml)) continue; // the failing leaves are listed themselves
    // error: is either one line or a YAML block scalar (|-) whose text starts on the next line.
    const m = yaml.match(/^ *error: (.*)\n(?: *(.*))?/m);
    const error = m ? (m[1] === '|-' || m[1] === '|' ? (m[2] ?? '').trim() : m[1]) : '';
    failedNames.push([...stack.slice(0, depth), bad[2]].join(' > ') + (error ? ` -- ${error}` : ''));
  }
  return {
    passed: summary.pass ?? 0,
    failed: (summary.fail ?? 0) + (summary.cancelled ?? 0),
    skipped: (summary.skipped ?? 0) + (summary.todo ?? 0),
    failedNames,
  };
}

// Pester's JUnit XML: one <testcase> per test with status Passed, Failed or Skipped (a file or setup that failed is a
// Failed testcase too). Counted from the testcases, checked against the root's tests="N".
export function parseJunit(xml) {
  const root = xml.match(/<testsuites\b[^>]*>/);
  if (!root) throw new Error('no <testsuites> element');
  const cases = [...xml.matchAll(/<testcase\b([^>]*?)(\/>|>([\s\S]*?)<\/testcase>)/g)].map((m) => ({ a: attrs(m[1]), body: m[3] ?? '' }));
  const expected = num(attrs(root[0]).tests);
  if (cases.length !== expected) throw new Error(`${cases.length} testcases but tests="${expected}"`);
  const r = { passed: 0, failed: 0, skipped: 0, failedNames: [] };
  for (const { a, body } of cases) {
    const failed = a.status === 'Failed' || /<(failure|error)\b/.test(body);
    if (failed) {
      r.failed++;
      const m = body.match(/<(?:failure|error)\b[^>]*message="([^"]*)"/);
      r.failedNames.push(unescapeXml(a.name ?? '?') + (m && m[1] ? ` -- ${unescapeXml(m[1])}` : ''));
    } else if (a.status === 'Passed') r.passed++;
    else r.skipped++;
  }
  return r;
}

export function total(files, problems = []) {
  const sum = { passed: 0, failed: 0, skipped: 0, failedNames: [] };
  const add = (label, r) => {
    sum.passed += r.passed; sum.failed += r.failed; sum.skipped += r.skipped;
    sum.failedNames.push(...r.failedNames.map((n) => `${label}: ${n}`));
  };
  for (const p of problems) add('problem', { passed: 0, failed: 1, skipped: 0, failedNames: [p] });
  for (const f of files) {
    const label = f.split('/').pop();
    try {
      if (!existsSync(f)) throw new Error('results file missing (the test run crashed or never started)');
      const text = readFileSync(f, 'utf8');
      add(label, f.endsWith('.trx') ? parseTrx(text) : f.endsWith('.junit.xml') ? parseJunit(text) : parseTap(text));
    } catch (e) {
      add(label, { passed: 0, failed: 1, skipped: 0, failedNames: [`unreadable results: ${e.message}`] });
    }
  }
  return sum;
}

export function totalsLine({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : '');
}

function main(argv) {
  const files = [];
  const problems = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--problem') problems.push(argv[++i]);
    else files.push(argv[i]);
  }
  const sum = total(files, problems);
  if (sum.failedNames.length) {
    console.log('Failed:');
    for (const n of sum.failedNames) console.log(`  ${n}`);
  }
  if (sum.passed + sum.failed === 0) console.log('No test ran.');
  console.log(totalsLine(sum));
  return sum.failed === 0 && sum.passed + sum.failed > 0 ? 0 : 1;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) process.exitCode = main(process.argv.slice(2));
