// Jest's runtime for the shared realm (shared-realm-environment.js), in three parts.
//
// Packages are Node's own modules: a bare specifier that resolves under node_modules is loaded with
// Node's require, once per Jest worker, and every later file gets the same module, already compiled
// and warm. Before, each file loaded ~1,800 modules (Temporal, Prisma, Express, pdfkit) afresh,
// rebuilt Temporal's proto tree and ran their code cold. Measured on the whole suite, same host and
// hour (2026-12-08): 625 CPU s and 329 s of Jest time with a realm per file, 501 and 267–271 s
// shared. The project's own modules and the test files still go through Jest's registry: fresh
// for each file, so no file sees the module state of another.
//
// Those project modules keep V8's code cache across the files of a worker: the code V8 compiled
// for a module is handed back when a later file loads the same source. It is cached when the first
// file that loaded the module ends, so it holds the functions that file called too, not only the
// module's top level (V8 compiles a function's body on its first call). V8 checks the cached code
// against the source and its flags, and compiles afresh when it does not fit.
//
// It also hands a file the AsyncLocalStorage instances an earlier file made at the same place in
// the same module. Node 20 keeps every enabled instance in one list and visits the whole list at
// each promise; a project module that makes one (the API's request context) would otherwise add
// one per file, which nothing disables, so a worker's 50th file would pay 50 visits a promise.
// Sharing is safe because a store lives on the async resources that `run` made, not on the
// instance: a file never sees another's store. Within one file, each instance stays its own.
require('./worker-exit');
const asyncHooks = require('node:async_hooks');
const { createRequire } = require('node:module');
const path = require('node:path');
const { constants, Script } = require('node:vm');
const Runtime = require('jest-runtime').default;

/** Where an instance was made → the instances made there, in order; each file takes them again. */
const storagesByPlace = new Map();
/** Where an instance was made → how many the running file has taken. */
let takenByPlace = new Map();

const RealAsyncLocalStorage = asyncHooks.AsyncLocalStorage;
const placeOfConstruction = () => {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 4;
  const stack = new Error().stack.split('\n');
  Error.stackTraceLimit = limit;
  // 0 "Error", 1 this function, 2 the constructor below, 3 the module that said `new`.
  return stack[3] ?? '';
};
class PooledAsyncLocalStorage extends RealAsyncLocalStorage {
  constructor(...args) {
    super(...args);
    const place = placeOfConstruction();
    const pool = storagesByPlace.get(place) ?? [];
    storagesByPlace.set(place, pool);
    const taken = takenByPlace.get(place) ?? 0;
    takenByPlace.set(place, taken + 1);
    if (taken < pool.length) return pool[taken];
    pool.push(this);
  }
}
asyncHooks.AsyncLocalStorage = PooledAsyncLocalStorage;

/** `${directory}\0${specifier}` → the package file Node resolves it to, or null for a file of the project. */
const packagePaths = new Map();
const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

/** Where a bare specifier required from `from` leads when that is a package under node_modules. */
function packagePath(from, moduleName) {
  if (moduleName.startsWith('.') || path.isAbsolute(moduleName) || moduleName.startsWith('node:')) return null;
  const key = `${path.dirname(from)}\0${moduleName}`;
  let resolved = packagePaths.get(key);
  if (resolved === undefined) {
    try {
      resolved = createRequire(from).resolve(moduleName);
      if (!resolved.includes(NODE_MODULES)) resolved = null;
    } catch {
      resolved = null;
    }
    packagePaths.set(key, resolved);
  }
  return resolved;
}

/** filename → { source, data }: the transformed source the code was compiled from, and the code. */
const compiled = new Map();

class CodeCacheRuntime extends Runtime {
  constructor(...args) {
    super(...args);
    // A new file: it takes the pooled instances from the first again.
    takenByPlace = new Map();
    /** Scripts this file compiled afresh: their code is cached once the file has run them. */
    this.freshScripts = [];
    const executor = this.executor;
    // Jest's internals moved: plain Jest, only slower.
    if (typeof executor?.compile !== 'function' || !Array.isArray(executor.injectedModuleParameters)) return;
    const jestCompile = executor.compile.bind(executor);
    const wrapperStart = `({"Object.<anonymous>":function(${executor.injectedModuleParameters.join(',')}){`;
    executor.compile = (source, filename) => {
      const context = executor.environment.getVmContext();
      if (context == null || executor.resolution?.isCoreModule(filename)) return jestCompile(source, filename);
      const sharedRealm = context.sharedRealm === true;
      const entry = compiled.get(filename);
      const cachedData = entry?.source === source ? entry.data : undefined;
      let compiledFunction;
      let script;
      try {
        script = new Script(`${wrapperStart}${source}\n}});`, {
          filename,
          cachedData,
          importModuleDynamically: sharedRealm ? constants.USE_MAIN_CONTEXT_DEFAULT_LOADER : (specifier, _script, attributes, phase) => executor.dynamicImport(specifier, filename, context, attributes, phase),
        });
        compiledFunction = (sharedRealm ? script.runInThisContext() : script.runInContext(context))['Object.<anonymous>'];
      } catch (error) {
        // Jest's own compile reports syntax errors (and retries ES modules) its way; it needs a
        // realm of the file's own, so in the shared one the error is the report.
        if (sharedRealm) throw error;
        return jestCompile(source, filename);
      }
      if (cachedData === undefined || script.cachedDataRejected) this.freshScripts.push({ filename, source, script });
      return compiledFunction;
    };
  }

  requireModuleOrMock(from, moduleName) {
    // In the shared realm a package is Node's own module, loaded once per worker for every file.
    if (this._environment?.context?.sharedRealm === true && typeof moduleName === 'string') {
      const resolved = packagePath(from, moduleName);
      if (resolved !== null) return require(resolved);
    }
    return super.requireModuleOrMock(from, moduleName);
  }

  teardown() {
    // Cached after the file ran, the code includes the functions it compiled on first call, which a
    // cache made right after compiling leaves out (V8 compiles a function's body lazily).
    for (const { filename, source, script } of this.freshScripts) compiled.set(filename, { source, data: script.createCachedData() });
    this.freshScripts = [];
    return super.teardown();
  }
}

module.exports = CodeCacheRuntime;
