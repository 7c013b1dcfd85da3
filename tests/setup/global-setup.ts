import type { TestProject } from "vitest/node";
import { adminQuery, createMigratedDatabase } from "../database";

declare module "vitest" {
  export interface ProvidedContext {
    /** The migrated template this run's worker databases are copied from. */
    templateDb: string;
  }
}

// Once per test run: migrate a template every worker database is copied from. Names
// carry the run's process id, so two runs on one machine never drop each other's data.
export default async function setup(project: TestProject) {
  const templateDb = `pave_t${process.pid}_template`;
  await createMigratedDatabase(templateDb);
  project.provide("templateDb", templateDb);
  return async () => {
    await adminQuery(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname LIKE 'pave_t${process.pid}_%' AND pid <> pg_backend_pid()`);
    const { Client } = (await import("pg")).default;
    const client = new Client({ connectionString: (await import("../database")).testServerUrl().toString() });
    await client.connect();
    try {
      const { rows } = await client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [`pave_t${process.pid}_%`]);
      for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    } finally {
      await client.end();
    }
  };
}
