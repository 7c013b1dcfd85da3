import { createMigratedDatabase, TEMPLATE_DB } from "./database";

// Once per test run: migrate the template every worker database is copied from.
export default async function setup() {
  await createMigratedDatabase(TEMPLATE_DB);
}
