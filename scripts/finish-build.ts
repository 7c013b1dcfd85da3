// The last step of `npm run build`: Next's standalone server (.next/standalone/server.js)
// serves the browser's files from its own folder, so they are copied in beside it.
import { cpSync, existsSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const standalone = path.join(root, ".next", "standalone");
if (!existsSync(path.join(standalone, "server.js"))) {
  console.error("No .next/standalone/server.js: next.config.js must keep output: \"standalone\".");
  process.exit(1);
}
const staticTarget = path.join(standalone, ".next", "static");
rmSync(staticTarget, { recursive: true, force: true });
cpSync(path.join(root, ".next", "static"), staticTarget, { recursive: true });
if (existsSync(path.join(root, "public"))) cpSync(path.join(root, "public"), path.join(standalone, "public"), { recursive: true });
// Test files the tracer followed through dynamic imports are not needed to serve.
for (const dir of ["lib", "templates"].map((name) => path.join(standalone, name)).filter((dir) => existsSync(dir))) {
  for (const file of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    if (/\.test\.tsx?$/.test(file)) rmSync(path.join(dir, file));
  }
}
