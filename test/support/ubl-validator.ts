// Runs the Peppol BIS Billing 3.0 validator (scripts/ubl-validator, built by
// scripts/setup-ubl-validator.sh) on UBL documents: one JVM for all of them, since starting it and
// loading the rules costs seconds (and 2.5 s of CPU) while each document then takes milliseconds.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
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

// A short run spends its time compiling the rules' XSLT once: the quick JIT tier alone halves it.
const JAVA_OPTIONS = ['-XX:TieredStopAtLevel=1'];

export interface UblValidator {
  validate(name: string, xml: string): Promise<UblValidation>;
  /** Stops the JVM (answers still owed fail). */
  close(): Promise<void>;
}

/**
 * One JVM for the documents a test file makes one test at a time (`Validate --stdin`): the rules
 * are loaded once, however many tests validate. Answers come in the order documents were sent.
 */
export function startUblValidator(): UblValidator {
  const cp = classpath();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ubl-validate-'));
  const java = spawn('java', [...JAVA_OPTIONS, '-cp', cp, 'Validate', '--stdin'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  java.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const waiting: Array<{ resolve(line: ValidatorLine): void; reject(error: Error): void }> = [];
  let ended: Error | undefined;
  const fail = (error: Error) => {
    ended ??= error;
    for (const entry of waiting.splice(0)) entry.reject(ended);
  };
  java.on('error', (error) => fail(new Error(`Could not start java (${error.message}): ${SETUP_HINT}`)));
  java.on('exit', (code) => fail(new Error(`The UBL validator exited with ${code}: ${stderr.trim()}`)));
  createInterface({ input: java.stdout }).on('line', (line) => {
    if (line.startsWith('{')) waiting.shift()?.resolve(JSON.parse(line) as ValidatorLine);
  });
  let sent = 0;
  return {
    async validate(name, xml) {
      if (ended) throw ended;
      const file = path.join(dir, `${(sent += 1)}-${name.replace(/[^\w.-]+/g, '_')}.xml`);
      writeFileSync(file, xml);
      const line = await new Promise<ValidatorLine>((resolve, reject) => {
        waiting.push({ resolve, reject });
        java.stdin.write(`${file}\n`);
      });
      if (line.file !== file) throw new Error(`The UBL validator answered for ${line.file}, not ${file}`);
      return { name, valid: line.valid, errors: line.errors, warnings: line.warnings };
    },
    async close() {
      const exited = new Promise((resolve) => (java.exitCode !== null ? resolve(undefined) : java.once('exit', resolve)));
      java.stdin.end();
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
