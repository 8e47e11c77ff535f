// Jest's node environment without a realm per test file: test files and the project's modules run
// in the Jest worker's own realm, so the packages under node_modules can be loaded once per worker
// by Node's require and shared by every file (code-cache-runtime.js does that). Each file still
// gets fresh modules of its own from the project (Jest's registry), so a file sees none of
// another's module state; what it shares with the files before it is the packages' state (Prisma's
// compiled query engine, Temporal's proto tree, pdfkit's fonts) and the realm's built-ins. A file
// that needs a realm of its own opts out with a `@jest-environment node` docblock: the runtime
// then loads its packages through Jest as before.
//
// Why: with a realm per file, every file loaded ~1,800 modules again and ran their code cold. One
// realm is also what lets packages be shared at all: a package loaded outside a file's own realm
// would hand it Dates and Errors that fail its `instanceof`. What it saves: README, "Tests".
const { ModuleMocker } = require('jest-mock');
const { LegacyFakeTimers, ModernFakeTimers } = require('@jest/fake-timers');

// What Jest changes on the realm's globals for a file, put back when the file ends so the next
// starts from the worker's own (Jest wraps process.exit and sets console per file).
const original = { exit: process.exit, console: globalThis.console };

class SharedRealmEnvironment {
  customExportConditions = ['node', 'node-addons'];

  constructor(config) {
    const { projectConfig } = config;
    this.global = globalThis;
    this.moduleMocker = new ModuleMocker(globalThis);
    this.fakeTimers = new LegacyFakeTimers({
      config: projectConfig,
      global: globalThis,
      moduleMocker: this.moduleMocker,
      timerConfig: { idToRef: (id) => ({ id, ref() { return this; }, unref() { return this; } }), refToId: (timer) => timer?.id },
    });
    this.fakeTimersModern = new ModernFakeTimers({ config: projectConfig, global: globalThis });
    /** Truthy while the file runs: Jest asks for it to tell a live environment from a torn-down one. */
    this.context = { sharedRealm: true };
  }

  async setup() {}

  async teardown() {
    this.fakeTimers?.dispose();
    this.fakeTimersModern?.dispose();
    this.fakeTimers = null;
    this.fakeTimersModern = null;
    this.context = null;
    process.exit = original.exit;
    globalThis.console = original.console;
  }

  exportConditions() {
    return this.customExportConditions;
  }

  getVmContext() {
    return this.context;
  }
}

module.exports = SharedRealmEnvironment;
