import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTs,
  // The template engine is layered (lexer → parser → evaluator, filters below both); no file may import one that imports it.
  { files: ["lib/scaffolder/templating/**/*.ts"], rules: { "import/no-cycle": "error" } },
  { ignores: [".next/**", "node_modules/**", "lib/generated/**", ".data/**", "test-results/**", "playwright-report/**", "next-env.d.ts", "templates/*/skeleton/**"] },
];

export default config;
