// Runs the Peppol BIS Billing 3.0 validator (scripts/ubl-validator, built by
// scripts/setup-ubl-validator.sh) on UBL documents: one JVM for all of them, since starting it and
// loading the rules costs seconds while each document then takes milliseconds.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface UblIssue {
  /** The rule's id (BR-CO-15, PEPPOL-EN16931-R120, NO-R-002…), XSD for schema errors. */
  rule: string;
  message: string;
  /** XPath of the failing element, or a line and column. */
  location: string | null;
}

export interface UblValidation {
  name: string;
  valid: boolean;
  errors: UblIssue[];
  warnings: UblIssue[];
}

interface ValidatorLine {
  file: string;
  valid: boolean;
  errors: UblIssue[];
  warnings: UblIssue[];
}

const TOOL_DIR = path.resolve(__dirname, '../../.tools/ubl-validator');
const SETUP_HINT = 'run `bash scripts/setup-ubl-validator.sh` (needs Java 17+ and Maven)';

function classpath(): string {
  if (!existsSync(path.join(TOOL_DIR, 'classes', 'Validate.class')) || !existsSync(path.join(TOOL_DIR, 'lib'))) {
    throw new Error(`The UBL validator is not built in ${TOOL_DIR}: ${SETUP_HINT}`);
  }
  return [path.join(TOOL_DIR, 'lib', '*'), path.join(TOOL_DIR, 'classes')].join(path.delimiter);
}

/** Validates each XML document; names only label the results (and the temporary files). */
export function validateUbl(xmls: Array<{ name: string; xml: string }>): UblValidation[] {
  if (xmls.length === 0) return [];
  const cp = classpath();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ubl-validate-'));
  try {
    const files = xmls.map(({ name, xml }, index) => {
      const file = path.join(dir, `${index}-${name.replace(/[^\w.-]+/g, '_')}.xml`);
      writeFileSync(file, xml);
      return file;
    });
    // A short run spends its time compiling the rules' XSLT once: the quick JIT tier alone halves it.
    const run = spawnSync('java', ['-XX:TieredStopAtLevel=1', '-cp', cp, 'Validate', ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (run.error) throw new Error(`Could not start java (${run.error.message}): ${SETUP_HINT}`);
    if (run.status !== 0) throw new Error(`The UBL validator exited with ${run.status}: ${run.stderr.trim()}`);
    const byFile = new Map<string, ValidatorLine>();
    for (const line of run.stdout.split('\n').filter((text) => text.startsWith('{'))) {
      const parsed = JSON.parse(line) as ValidatorLine;
      byFile.set(parsed.file, parsed);
    }
    return xmls.map(({ name }, index) => {
      const result = byFile.get(files[index]!);
      if (!result) throw new Error(`The UBL validator said nothing about ${name}: ${run.stderr.trim()}`);
      return { name, valid: result.valid, errors: result.errors, warnings: result.warnings };
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
