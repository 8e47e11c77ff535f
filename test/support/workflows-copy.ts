// A changed copy of workflows/ (and of domain/, when an edit is there) in a temporary directory,
// to prove what a change does to replay without touching the real code. The repository's other
// top-level entries (node_modules/ …) are symlinked next to the copy, so its imports resolve as in
// the repo.
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

/**
 * Copies workflows/ and rewrites the named files with `edits`: a name relative to workflows/
 * (`entity.ts`), or to the repository for domain/ (`domain/rules.ts`, which copies domain/ too).
 */
export function copyWorkflows(edits: Record<string, (source: string) => string>): WorkflowsCopy {
  const root = mkdtempSync(path.join(os.tmpdir(), 'workflows-copy-'));
  const copied = new Set(['workflows', ...Object.keys(edits).filter((file) => file.startsWith('domain/')).map(() => 'domain')]);
  try {
    for (const entry of readdirSync(REPO)) {
      if (!copied.has(entry) && !entry.startsWith('.')) symlinkSync(path.join(REPO, entry), path.join(root, entry));
    }
    for (const dir of copied) cpSync(path.join(REPO, dir), path.join(root, dir), { recursive: true });
    for (const [file, edit] of Object.entries(edits)) {
      const target = file.startsWith('domain/') ? path.join(root, file) : path.join(root, 'workflows', file);
      writeFileSync(target, edit(readFileSync(target, 'utf8')));
    }
    return { workflowsPath: path.join(root, 'workflows', 'index.ts'), remove: () => rmSync(root, { recursive: true, force: true }) };
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
}
