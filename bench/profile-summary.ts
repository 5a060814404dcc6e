// Where a keyward CPU profile spends its time, as text:
//
//   BENCH_SCENARIOS=a BENCH_CPU_PROF=/tmp/prof npm run bench
//   npx tsx bench/profile-summary.ts /tmp/prof/*.cpuprofile
//
// Prints self time by function and by file or package (node_modules/<name>, node:internal,
// dist/…), and inclusive time of keyward's own functions. Open the same .cpuprofile in
// Chrome DevTools (Performance → Load profile) or speedscope for the flame graph.

import { readFileSync } from 'node:fs';

interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

function place(frame: CallFrame): string {
  const url = frame.url.replace(/^file:\/\//, '');
  if (url === '') return frame.functionName.startsWith('(') ? frame.functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const own = /\/(dist|src)\/(.+)$/.exec(url);
  return own ? `${own[1]}/${own[2]}` : url;
}

function label(frame: CallFrame): string {
  return `${frame.functionName || '(anonymous)'} ${place(frame)}:${frame.lineNumber + 1}`;
}

function top(map: Map<string, number>, total: number, n: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${name}`);
}

function summarise(file: string): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);

  // Percentages are of busy time: the server idles while the bench loads the baselines.
  const selfById = new Map<number, number>();
  let total = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    if (byId.get(id)?.callFrame.functionName === '(idle)') {
      idle += dt;
      return;
    }
    selfById.set(id, (selfById.get(id) ?? 0) + dt);
    total += dt;
  });

  const selfByFunction = new Map<string, number>();
  const selfByPlace = new Map<string, number>();
  const inclusiveOwn = new Map<string, number>();
  for (const [id, us] of selfById) {
    const node = byId.get(id)!;
    const name = label(node.callFrame);
    selfByFunction.set(name, (selfByFunction.get(name) ?? 0) + us);
    const where = place(node.callFrame);
    selfByPlace.set(where, (selfByPlace.get(where) ?? 0) + us);
    // Inclusive time of keyward's own functions: charge every distinct ancestor once.
    const seen = new Set<string>();
    for (let at: number | undefined = id, hops = 0; at !== undefined && hops < 10_000; hops++) {
      const frame = byId.get(at)!.callFrame;
      if (/\/(dist|src)\//.test(frame.url) && !frame.url.includes('node_modules')) {
        const own = label(frame);
        if (!seen.has(own)) {
          seen.add(own);
          inclusiveOwn.set(own, (inclusiveOwn.get(own) ?? 0) + us);
        }
      }
      at = parent.get(at);
    }
  }

  const seconds = (us: number) => (us / 1e6).toFixed(1);
  console.log(`\n${file}: ${seconds(total)} s busy (percentages below), ${seconds(idle)} s idle`);
  console.log('\nself time by function:');
  for (const line of top(selfByFunction, total, 30)) console.log(line);
  console.log('\nself time by file / package:');
  for (const line of top(selfByPlace, total, 20)) console.log(line);
  console.log("\ninclusive time of keyward's own functions:");
  for (const line of top(inclusiveOwn, total, 25)) console.log(line);
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: tsx bench/profile-summary.ts <file.cpuprofile>…');
  process.exitCode = 2;
}
for (const file of files) summarise(file);
