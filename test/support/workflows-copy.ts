// A changed copy of workflows/ in a temporary directory, to prove what a change does to replay
// without touching the real code. The repository's other top-level entries (domain/, node_modules/
// …) are symlinked next to the copy, so its `../domain` and package imports resolve as in the repo.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');

export interface WorkflowsCopy {
  /** The copy's entry point, for `bundleWorkflowCode({ workflowsPath })`. */
  workflowsPath: string;
  /** Deletes the copy (the symlinks, never what they point to). */
  remove(): void;
}

/** Copies workflows/ and rewrites the named files (relative to workflows/) with `edits`. */
export function copyWorkflows(edits: Record<string, (source: string) => string>): WorkflowsCopy {
  const root = mkdtempSync(path.join(os.tmpdir(), 'workflows-copy-'));
  try {
    for (const entry of readdirSync(REPO)) {
      if (entry !== 'workflows' && !entry.startsWith('.')) symlinkSync(path.join(REPO, entry), path.join(root, entry));
    }
    const dir = path.join(root, 'workflows');
    cpSync(path.join(REPO, 'workflows'), dir, { recursive: true });
    for (const [file, edit] of Object.entries(edits)) {
      const target = path.join(dir, file);
      writeFileSync(target, edit(readFileSync(target, 'utf8')));
    }
    return { workflowsPath: path.join(dir, 'index.ts'), remove: () => rmSync(root, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}
