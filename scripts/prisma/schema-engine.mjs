#!/usr/bin/env node
// Stand-in for Prisma's native `schema-engine` binary, for machines that cannot download it.
//
// The Prisma CLI runs whatever PRISMA_SCHEMA_ENGINE_BINARY points at, in one of two ways:
//   <bin> --datamodels <path>… --datasource '{"url":…,"shadowDatabaseUrl"?:…}'
//       JSON-RPC 2.0, one message per line on stdin/stdout; JSON log lines on stderr.
//   <bin> --datasource '{"url":…}' cli can-connect-to-database|create-database
//       no RPC: the answer is the exit code, plus an ERROR log line on stderr on failure.
//   <bin> --version
// We answer RPC calls by forwarding them to Prisma's own schema engine compiled to WebAssembly
// (@prisma/schema-engine-wasm), which talks to Postgres through @prisma/adapter-pg. So the SQL
// it generates and the `_prisma_migrations` rows it writes come from Prisma's engine code, not ours.
// See docs/decisions/001-prisma-wasm-schema-engine.md.
import fs from 'node:fs';
import readline from 'node:readline';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';

// ---- arguments --------------------------------------------------------------------------------
const argv = process.argv.slice(2);
const datamodelPaths = [];
let datasource = {};
let cliCommand = null;
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--datamodels') datamodelPaths.push(argv[++i]);
  else if (argv[i] === '--datasource') datasource = JSON.parse(argv[++i]);
  else if (argv[i] === 'cli') cliCommand = argv[++i];
  else if (argv[i] === '--version') cliCommand = '--version';
  // --enabled-preview-features / --extension-types: the WASM engine reads preview features from
  // the schema itself, and Pave uses neither.
  else if (argv[i].startsWith('--')) i++;
}

// Log lines look like the native engine's tracing output, because the CLI parses them:
// it keeps `fields.message`, and treats level ERROR as the failure reason.
function log(level, message, extra = {}) {
  process.stderr.write(JSON.stringify({ level, fields: { message, ...extra }, target: 'schema_engine::logger' }) + '\n');
}

// ---- Postgres access --------------------------------------------------------------------------
// adapter-pg refuses columns of pg_catalog's `"char"` type (OID 18), which the engine reads when
// it describes a database. Relabelling them as `text` (OID 25) as the row description arrives is
// enough: pg already returns both as JS strings.
class CharAsTextClient extends pg.Client {
  _handleRowDescription(msg) {
    for (const field of msg.fields) if (field.dataTypeID === 18) field.dataTypeID = 25;
    return super._handleRowDescription(msg);
  }
}

const withDatabase = (url, db) => {
  const u = new URL(url);
  u.pathname = '/' + encodeURIComponent(db);
  return u.href;
};
const databaseName = (url) => decodeURIComponent(new URL(url).pathname.slice(1)) || 'postgres';
const quoteIdent = (name) => '"' + name.replaceAll('"', '""') + '"';

// Runs one statement on the server's `postgres` maintenance database (CREATE/DROP DATABASE
// cannot run inside the database they name, nor inside a transaction).
async function onServer(url, sql) {
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try { await client.query(sql); } finally { await client.end(); }
}

// The adapter factory handed to the WASM engine. Its connectToShadowDb() supplies the shadow
// database that diffs against a migrations folder replay the migrations into.
// We do not use PrismaPg's own connectToShadowDb(): it creates a fresh database and then connects
// with `{...config, database}`, but pg lets the `connectionString` win over `database`, so with a
// URL config the "shadow" pool is connected to the MAIN database.
// adapter-pg's executeScript() splits a script on every ";" and runs the pieces one by one,
// which breaks any migration with a semicolon inside a string, a comment or a $$-quoted
// function body. The native engine sends the whole script as one simple-protocol query;
// so do we (pg runs a parameterless multi-statement query in one round trip).
function runScriptsWhole(adapter) {
  adapter.executeScript = async function executeScript(script) {
    try {
      await this.client.query(script);
    } catch (error) {
      this.onError(error);
    }
  };
  return adapter;
}

class PaveShadowAwarePg extends PrismaPg {
  constructor(url, shadowUrl) {
    super({ connectionString: url, Client: CharAsTextClient });
    this.url = url;
    this.shadowUrl = shadowUrl;
  }

  async connect() {
    return runScriptsWhole(await super.connect());
  }

  async connectToShadowDb() {
    if (this.shadowUrl) {
      // Like the native engine: a configured shadow database is wiped before use, and must not
      // be the main database.
      if (databaseName(this.shadowUrl) === databaseName(this.url) && new URL(this.shadowUrl).host === new URL(this.url).host) {
        throw new Error('The shadow database you configured appears to be the same as the main database. Please specify another shadow database.');
      }
      const adapter = runScriptsWhole(await new PrismaPg({ connectionString: this.shadowUrl, Client: CharAsTextClient }).connect());
      await adapter.executeScript('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public');
      return adapter;
    }
    // Like the native engine: a throw-away database on the same server, dropped after use.
    const name = `prisma_shadow_${randomBytes(8).toString('hex')}`;
    await onServer(this.url, `CREATE DATABASE ${quoteIdent(name)}`);
    temporaryDatabases.add(name);
    const adapter = runScriptsWhole(await new PrismaPg({ connectionString: withDatabase(this.url, name), Client: CharAsTextClient }).connect());
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await dropTemporaryDatabase(name);
    };
    return adapter;
  }
}

const temporaryDatabases = new Set();
async function dropTemporaryDatabase(name) {
  if (!temporaryDatabases.delete(name)) return;
  // FORCE (Postgres 13+): a pool the engine forgot to close must not keep the database alive.
  await onServer(datasource.url, `DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
}

// ---- `cli …` mode -----------------------------------------------------------------------------
// Error codes the CLI understands (it creates the database on P1003).
function prismaErrorCode(err) {
  if (err.code === '3D000') return 'P1003'; // database does not exist
  if (err.code === '28P01' || err.code === '28000') return 'P1000'; // authentication failed
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(err.code)) return 'P1001';
  return undefined;
}

async function runCliCommand(command) {
  const url = datasource.url;
  // The CLI drops the first stderr line and parses every other one as JSON.
  log('INFO', `schema-engine (wasm shim) cli ${command}`);
  try {
    if (command === 'can-connect-to-database') {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.end();
    } else if (command === 'create-database') {
      await onServer(url, `CREATE DATABASE ${quoteIdent(databaseName(url))}`);
    } else {
      throw new Error(`Unsupported cli command: ${command}`);
    }
    return 0;
  } catch (err) {
    const u = new URL(url);
    const message = err.code === '3D000'
      ? `Database \`${databaseName(url)}\` does not exist on the database server at \`${u.hostname}:${u.port || 5432}\`.`
      : err.message;
    log('ERROR', message, { error_code: prismaErrorCode(err) });
    return 1;
  }
}

// ---- the WASM engine --------------------------------------------------------------------------
let lastPanic = null;

let gluePromise = null;
function loadWasm() {
  // The package's entry point imports the .wasm file as an ES module, which Node 20 only allows
  // behind --experimental-wasm-modules. So we instantiate it ourselves and hand the instance to
  // the wasm-bindgen glue, which is what that entry point would have done.
  gluePromise ??= (async () => {
    const glueUrl = import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const glue = await import(glueUrl);
    // Rust panics report their message here; without it a panic surfaces as a TypeError.
    globalThis.PRISMA_WASM_PANIC_REGISTRY = { set_message: (message) => { lastPanic = message; } };
    const wasmModule = new WebAssembly.Module(fs.readFileSync(new URL('schema_engine_bg.wasm', glueUrl)));
    const instance = new WebAssembly.Instance(wasmModule, { './schema_engine_bg.js': glue });
    glue.__wbg_set_wasm(instance.exports);
    instance.exports.__wbindgen_start();
    return glue;
  })();
  return gluePromise;
}

const engineLog = (line) => process.stderr.write(line.endsWith('\n') ? line : line + '\n');

// Errors thrown by our adapter code reach the engine as "External error id#N"; the real error
// waits in the bound factory's registry.
const errorRegistries = [];

async function newEngine(factory, datamodels) {
  const { SchemaEngine } = await loadWasm();
  if (!datasource.url) throw new Error('No datasource url: set DATABASE_URL (see prisma.config.ts).');
  // The factory must be "bound": the engine calls its methods detached from the object.
  const bound = bindMigrationAwareSqlAdapterFactory(factory);
  errorRegistries.push(bound.errorRegistry);
  return SchemaEngine.new({ datamodels }, engineLog, bound);
}

let enginePromise = null;
function getEngine() {
  enginePromise ??= newEngine(
    new PaveShadowAwarePg(datasource.url, datasource.shadowDatabaseUrl),
    // `migrate diff` starts us without --datamodels; an empty list would make the engine panic.
    datamodelPaths.length ? datamodelPaths.map((p) => [p, fs.readFileSync(p, 'utf8')]) : undefined,
  );
  return enginePromise;
}

// createMigration and evaluateDataLoss fail on Postgres in this WASM build ("shadow DB must be
// provided through an external factory"), while `diff` from a migrations folder does use our
// factory. So both are answered with that diff: the migrations replayed on a shadow database,
// compared with the schema.
async function diffMigrationsToSchema(engine, { migrationsList, schema, filters }) {
  const lockfile = migrationsList.lockfile.content
    ? migrationsList.lockfile
    : { ...migrationsList.lockfile, content: 'provider = "postgresql"\n' }; // no lockfile yet: first migration
  return engine.diff({
    from: { tag: 'migrations', ...migrationsList, lockfile },
    to: { tag: 'schemaDatamodel', files: schema.files },
    script: true,
    exitCode: true, // exitCode 2 = "there is a change"
    filters,
  });
}

// The data-loss warnings ("column x still contains 3 non-null values") and unexecutable steps
// (a required column added to a non-empty table) that `migrate dev` asks about before it goes on.
// `migrate dev` has just applied all migrations, so the main database is at the state the new
// migration starts from. `schemaPush` without force computes exactly these checks against its
// data, and only applies the change when there are none; we run it on a read-only connection,
// so that attempt fails and nothing is ever changed.
async function checkDataLoss({ schema, filters }) {
  const readOnly = new PrismaPg({
    connectionString: datasource.url,
    Client: CharAsTextClient,
    options: '-c default_transaction_read_only=on',
  });
  const probe = await newEngine(readOnly, undefined);
  try {
    return await probe.schemaPush({ force: false, schema, filters });
  } catch (err) {
    if (/read-only transaction/.test(err?.message)) return { warnings: [], unexecutable: [] };
    throw err;
  } finally {
    probe.free();
  }
}

// Same directory name as the native engine: `<UTC yyyymmddHHMMSS>_<name>`.
const migrationDirectoryName = (name) =>
  new Date().toISOString().replace(/\D/g, '').slice(0, 14) + '_' + name;

const handlers = {
  async createMigration(engine, input) {
    const { exitCode, stdout } = await diffMigrationsToSchema(engine, input);
    const empty = exitCode !== 2;
    // The CLI writes <dir>/migration.sql and migration_lock.toml from this answer.
    return {
      connectorType: 'postgresql',
      generatedMigrationName: migrationDirectoryName(input.migrationName),
      migrationScript: empty && !input.draft ? null : empty ? '-- This is an empty migration.\n' : stdout,
      extension: 'sql',
    };
  },
  async evaluateDataLoss(engine, input) {
    const { exitCode } = await diffMigrationsToSchema(engine, input);
    if (exitCode !== 2) return { migrationSteps: 0, warnings: [], unexecutableSteps: [] };
    // Only "is there a step" matters to the CLI, so one step stands for all of them.
    const { warnings, unexecutable } = await checkDataLoss(input);
    const feedback = (message) => ({ message, stepIndex: 0 });
    return { migrationSteps: 1, warnings: warnings.map(feedback), unexecutableSteps: unexecutable.map(feedback) };
  },
  async diff(engine, params) {
    // The native engine prints the diff through a `print` request to the CLI.
    const { exitCode, stdout } = await engine.diff(params);
    if (stdout) await sendRequest('print', { content: stdout });
    return { exitCode, stdout: null };
  },
  async getDatabaseVersion(engine, params) {
    return engine.version(params?.datasource ? params : undefined);
  },
  async createDatabase(_engine, { datasource: ds }) {
    const url = ds.url ?? datasource.url;
    await onServer(url, `CREATE DATABASE ${quoteIdent(databaseName(url))}`);
    return { databaseName: databaseName(url) };
  },
};

// ---- JSON-RPC over stdio ----------------------------------------------------------------------
const send = (message) => process.stdout.write(JSON.stringify({ jsonrpc: '2.0', ...message }) + '\n');

// Requests we send to the CLI (only `print`), keyed by id.
let nextOwnId = 1;
const pendingOwn = new Map();
function sendRequest(method, params) {
  const id = `shim-${nextOwnId++}`;
  return new Promise((resolve) => {
    pendingOwn.set(id, resolve);
    send({ id, method, params });
  });
}

function rpcError(err) {
  const message = String(lastPanic ?? err?.message ?? err)
    .replace(/\n\s+0: [\s\S]*$/, '') // drop the engine's span trace
    .replace(/External error id#(\d+)/, (text, id) => errorRegistries[0]?.consumeError(Number(id))?.error?.message ?? text);
  return {
    code: 4466,
    message, // shown by the CLI for panics
    data: { is_panic: lastPanic !== null, message, meta: {}, error_code: err?.code },
  };
}

// Errors the wasm-bindgen glue throws outside the promise it returned (a Rust panic, a malformed
// request) arrive as uncaughtException. They must become the answer to the request in flight:
// if we exited instead, Prisma 7's CLI would wait forever in stop() and then quit with exit
// code 0 and no message, which e.g. `migrate diff --exit-code` would read as "no drift".
let failInFlight = null;
let fatalError = null; // after a panic the WASM instance is unusable

async function handleRequest({ id, method, params }) {
  const crashed = new Promise((_, reject) => { failInFlight = reject; });
  try {
    if (fatalError) throw fatalError;
    const call = async () => {
      const engine = await getEngine();
      if (handlers[method]) return handlers[method](engine, params ?? {});
      if (typeof engine[method] === 'function' && method !== 'free') return engine[method](params ?? {});
      throw Object.assign(new Error(`Method not found: ${method}`), { rpcCode: -32601 });
    };
    const work = call();
    work.catch(() => {}); // if `crashed` wins the race, a later rejection must not go unhandled
    const result = await Promise.race([work, crashed]);
    send({ id, result: result ?? {} });
  } catch (err) {
    send({ id, error: err.rpcCode ? { code: err.rpcCode, message: err.message } : rpcError(err) });
  } finally {
    failInFlight = null;
    // If the engine did not dispose a shadow database, drop it now: the CLI kills us right after
    // closing stdin, so there may be no later chance.
    for (const name of temporaryDatabases) await dropTemporaryDatabase(name).catch((e) => log('WARN', e.message));
  }
}

process.on('uncaughtException', (err) => {
  log('ERROR', String(lastPanic ?? err?.message ?? err));
  fatalError = err;
  if (failInFlight) failInFlight(err);
  else process.exit(1);
});

function serveRpc() {
  let queue = Promise.resolve();
  readline.createInterface({ input: process.stdin, crlfDelay: Infinity }).on('line', (line) => {
    if (!line.trim()) return;
    const message = JSON.parse(line);
    if (message.method) {
      queue = queue.then(() => handleRequest(message)); // one engine call at a time, in order
    } else if (pendingOwn.has(message.id)) {
      pendingOwn.get(message.id)(message.result); // answer to our `print`: handled at once
      pendingOwn.delete(message.id);
    }
  }).on('close', () => queue.then(() => process.exit(0)));
}

// ---- main -------------------------------------------------------------------------------------
if (cliCommand === '--version') {
  const { version } = await loadWasm();
  process.stdout.write(`schema-engine-cli ${version()} (wasm)\n`);
} else if (cliCommand) {
  process.exitCode = await runCliCommand(cliCommand);
} else {
  serveRpc();
}
