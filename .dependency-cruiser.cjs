/**
 * The arrows Pave's code may draw, checked by `npm run lint:deps` (part of `npm test`).
 * app/ → components/ → lib/<domain> → lib/git, lib/jobs/queue, lib/db → lib/errors, lib/log, lib/env.
 * scripts/deps.test.ts proves each rule fails on a file that breaks it.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      comment: "An import circle (type-only ones included) means two modules cannot be understood apart. Move the shared part down.",
      severity: "error",
      from: { pathNot: "^lib/generated/" },
      to: { circular: true },
    },
    {
      name: "product-never-imports-tests",
      comment: "Test infrastructure lives in tests/; the product must not depend on it.",
      severity: "error",
      from: { path: "^(app|components|lib|proxy\\.ts|instrumentation\\.ts)", pathNot: "\\.test\\.tsx?$" },
      to: { path: "^tests/" },
    },
    {
      name: "lib-never-imports-app",
      comment: "lib/ is below app/ and components/: it never reaches up.",
      severity: "error",
      from: { path: "^lib/", pathNot: "\\.test\\.tsx?$" },
      to: { path: "^(app|components)/" },
    },
    {
      name: "components-never-import-app",
      comment: "Shared components are below the pages that use them.",
      severity: "error",
      from: { path: "^components/" },
      to: { path: "^app/" },
    },
    {
      name: "git-through-its-index",
      comment:
        "Domains reach git through lib/git (its index.ts) and nothing deeper. repo-url.ts, the one parser of repository URLs, is pure and may be imported alone where the index's server code cannot go (the wizard, env.ts, the template thread).",
      severity: "error",
      from: { path: "^(app|components|lib|scripts|prisma)/", pathNot: ["^lib/git/", "\\.test\\.tsx?$"] },
      to: { path: "^lib/git/(?!index\\.ts$|repo-url\\.ts$)" },
    },
    {
      name: "job-registry-only-for-the-worker",
      comment: "Domains send jobs through lib/jobs/queue.ts; only the worker loads the handlers (which import every domain).",
      severity: "error",
      from: { pathNot: ["^lib/jobs/", "^instrumentation\\.ts$", "\\.test\\.tsx?$"] },
      to: { path: "^lib/jobs/(registry|worker)\\.ts$" },
    },
    {
      name: "telemetry-sdk-only-at-start",
      comment:
        "The OpenTelemetry SDK is started once per process (web or worker), first thing, by instrumentation.ts. Everything else traces through lib/telemetry/tracing.ts, which does next to nothing while no SDK is registered.",
      severity: "error",
      from: { pathNot: ["^instrumentation\\.ts$", "^lib/telemetry/sdk\\.ts$", "\\.test\\.tsx?$"] },
      to: { path: "^lib/telemetry/sdk\\.ts$" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(lib/generated|node_modules|\\.next)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"], extensions: [".ts", ".tsx", ".js", ".mjs", ".json"] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
