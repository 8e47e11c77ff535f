// Jest's runtime with V8's code cache. Jest gives every test file a fresh module registry, so each
// harness file compiles the same ~1,800 modules (Temporal, Prisma, Express, ours) again. Each Jest
// worker process keeps the code V8 compiled for a module and hands it back when a later file loads
// the same source. The code is cached when the first file that loaded the module ends, so it holds
// the functions that file called too, not only the module's top level: V8 compiles a function's
// body on its first call, and a cache made right after compiling has none of those bodies.
// Measured on 12 harness files in one process: 28-30 s of CPU with the code cached after
// compiling, 26-27 s cached after running (the suite's Jest workers, with the lazy pdfkit and
// Stripe SDK too: 618 s → 522 s). V8 checks the cached code against the source and
// its flags, and compiles afresh when it does not fit.
//
// It also hands a file the AsyncLocalStorage instances an earlier file made at the same place in
// the same module. Node 20 keeps every enabled instance in one list and visits the whole list at
// each promise; each file's modules (Jest's, Temporal's client and activities, the API's request
// context) make 4, which nothing disables, so a worker's 50th file paid 200 visits a promise
// (measured: 44 s of the suite's main-thread time in Node's AsyncLocalStorage propagation).
// Sharing is safe because a store lives on the async resources that `run` made, not on the
// instance: a file never sees another's store. Within one file, each instance stays its own.
require('./worker-exit');
const asyncHooks = require('node:async_hooks');
const { Script } = require('node:vm');
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
      const entry = compiled.get(filename);
      const cachedData = entry?.source === source ? entry.data : undefined;
      let compiledFunction;
      let script;
      try {
        script = new Script(`${wrapperStart}${source}\n}});`, {
          filename,
          cachedData,
          importModuleDynamically: (specifier, _script, attributes, phase) => executor.dynamicImport(specifier, filename, context, attributes, phase),
        });
        compiledFunction = script.runInContext(context)['Object.<anonymous>'];
      } catch {
        // Jest's own compile reports syntax errors (and retries ES modules) its way.
        return jestCompile(source, filename);
      }
      if (cachedData === undefined || script.cachedDataRejected) this.freshScripts.push({ filename, source, script });
      return compiledFunction;
    };
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
