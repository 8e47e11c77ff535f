// Jest's runtime with V8's code cache. Jest gives every test file a fresh module registry, so each
// harness file compiles the same ~1,800 modules (Temporal, Prisma, Express, ours) again. Each Jest
// worker process keeps the code V8 compiled for a module and hands it back when a later file loads
// the same source: loading the harness's modules takes about 700 ms of CPU per file, about 550 ms
// with the cache (the API test files: 3-4 % less CPU in all). V8 checks the cached code against
// the source and its flags, and compiles afresh when it does not fit.
const { compileFunction } = require('node:vm');
const Runtime = require('jest-runtime').default;

/** filename → { source, data }: the transformed source the code was compiled from, and the code. */
const compiled = new Map();

class CodeCacheRuntime extends Runtime {
  constructor(...args) {
    super(...args);
    const executor = this.executor;
    // Jest's internals moved: plain Jest, only slower.
    if (typeof executor?.compile !== 'function' || !Array.isArray(executor.injectedModuleParameters)) return;
    const jestCompile = executor.compile.bind(executor);
    executor.compile = (source, filename) => {
      const context = executor.environment.getVmContext();
      if (context == null || executor.resolution?.isCoreModule(filename)) return jestCompile(source, filename);
      const entry = compiled.get(filename);
      const cachedData = entry?.source === source ? entry.data : undefined;
      let compiledFunction;
      try {
        compiledFunction = compileFunction(source, executor.injectedModuleParameters, {
          filename,
          parsingContext: context,
          cachedData,
          produceCachedData: cachedData === undefined,
          importModuleDynamically: (specifier, _function, attributes, phase) => executor.dynamicImport(specifier, filename, context, attributes, phase),
        });
      } catch {
        // Jest's own compile reports syntax errors (and retries ES modules) its way.
        return jestCompile(source, filename);
      }
      if (cachedData === undefined && compiledFunction.cachedData) compiled.set(filename, { source, data: compiledFunction.cachedData });
      return compiledFunction;
    };
  }
}

module.exports = CodeCacheRuntime;
