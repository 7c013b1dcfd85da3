// tsx scripts/bench/profile-summary.ts <file.cpuprofile>… [--top 30]
// Summarises V8 CPU profiles (node --cpu-prof, e.g. from BENCH_PROFILE=<dir> npm run bench:load):
// self and total time per function, and self time per package, so a reader sees where a
// web process spends its CPU without opening DevTools.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: "string", default: "30" } } });
if (!positionals.length) {
  console.error("usage: tsx scripts/bench/profile-summary.ts <file.cpuprofile>… [--top 30]");
  process.exit(2);
}
const top = Number(values.top);

/** Where a frame's code comes from: a package, Next's server chunks, Node itself, or V8. */
function origin(url: string): string {
  if (!url) return "(v8 / native)";
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith("node:")) return "node core";
  if (url.includes("/.next/server/chunks/ssr/") || url.includes("/.next/server/app/")) return "app (next server chunks)";
  if (url.includes("/.next/server/")) return "next server";
  return url.replace(/^file:\/\//, "").split("/").slice(-2).join("/");
}

const label = (f: CallFrame) => `${f.functionName || "(anonymous)"} ${f.url ? `${f.url.replace(/^.*\/(node_modules|\.next)\//, "$1/")}:${f.lineNumber + 1}` : ""}`.trim();

const self = new Map<string, number>();
const total = new Map<string, number>();
const byOrigin = new Map<string, number>();
let all = 0;
let idle = 0;

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    const node = byId.get(id)!;
    all += ms;
    const name = node.callFrame.functionName;
    if (name === "(idle)" || name === "(program)" || name === "(garbage collector)") {
      if (name === "(idle)") idle += ms;
      else byOrigin.set(name, (byOrigin.get(name) ?? 0) + ms);
      if (name !== "(idle)") self.set(name, (self.get(name) ?? 0) + ms);
      return;
    }
    self.set(label(node.callFrame), (self.get(label(node.callFrame)) ?? 0) + ms);
    byOrigin.set(origin(node.callFrame.url), (byOrigin.get(origin(node.callFrame.url)) ?? 0) + ms);
    // Total time: each function once per sample, however deep it recurses.
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const key = label(byId.get(at)!.callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + ms);
    }
  });
}

const busy = all - idle;
const pct = (ms: number) => `${((ms / busy) * 100).toFixed(1).padStart(5)} %`;
const show = (title: string, map: Map<string, number>, n: number) => {
  console.log(`\n${title}`);
  for (const [key, ms] of [...map].sort((a, b) => b[1] - a[1]).slice(0, n)) console.log(`${(ms / 1000).toFixed(2).padStart(8)} s ${pct(ms)}  ${key}`);
};
console.log(`${positionals.length} profile(s): ${(all / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s busy (percentages are of busy time)`);
show("Self time by origin", byOrigin, 20);
show(`Self time, top ${top} functions`, self, top);
show(`Total time (self + callees), top ${top} functions`, new Map([...total].filter(([k]) => k !== "(root)")), top);
