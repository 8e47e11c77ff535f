// Reads rendered PDFs back the way a person or an accounting system would: as text (pdftotext)
// and as a picture of a page (pdftoppm), both from Debian's poppler-utils.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const INSTALL_HINT = 'run `bash scripts/setup-tools.sh` (it installs poppler-utils)';

function run(tool: 'pdftotext' | 'pdftoppm', args: string[]): string {
  const result = spawnSync(tool, args, { encoding: 'utf8' });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(`${tool} is not installed: ${INSTALL_HINT}`);
  }
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${tool} ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

/** Fails (never skips) when poppler-utils is missing, so a bare machine cannot pass by testing nothing. */
export function requirePoppler(): void {
  run('pdftotext', ['-v']);
  run('pdftoppm', ['-v']);
}

/** The text of the given pages (all by default) in reading layout, pages separated by form feeds. */
export function pdfText(pdfPath: string, pages?: { first: number; last: number }): string {
  const range = pages ? ['-f', String(pages.first), '-l', String(pages.last)] : [];
  return run('pdftotext', ['-layout', ...range, pdfPath, '-']);
}

/** Text with runs of spaces (layout columns) collapsed, so phrases can be matched whole. */
export function flattened(text: string): string {
  return text.replace(/[ \t]+/g, ' ');
}

/** Renders one page to `<prefix>.png` at `dpi`; returns the PNG's path. */
export function pageToPng(pdfPath: string, prefix: string, page = 1, dpi = 80): string {
  run('pdftoppm', ['-png', '-r', String(dpi), '-f', String(page), '-l', String(page), '-singlefile', pdfPath, prefix]);
  return `${prefix}.png`;
}

export interface PngInfo {
  width: number;
  height: number;
  bytes: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Size and dimensions from the PNG's IHDR chunk, which directly follows the signature. */
export function pngInfo(path: string): PngInfo {
  const png = readFileSync(path);
  if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error(`${path} is not a PNG`);
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), bytes: png.length };
}
