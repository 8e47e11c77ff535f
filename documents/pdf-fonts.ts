// The typeface of rendered documents: DejaVu Sans Condensed (about Helvetica's widths), embedded
// (pdfkit keeps only the glyphs a document uses, as PDF/A asks). PDF's built-in Helvetica is
// limited to WinAnsi, which has æøå but not the ł, ő, č, ș, Greek or Cyrillic of many EU
// customers' names and addresses: it printed those as byte garbage on a legal invoice. A character
// DejaVu has no glyph for (CJK, emoji) prints as U+FFFD, and invisible format characters (bidi
// overrides, zero-width joiners) are left out.
import { readFileSync } from 'node:fs';
import * as fontkit from 'fontkit';
import type { Pdf } from './pdf-canvas';

export const FONT = { regular: 'DejaVuSansCondensed', bold: 'DejaVuSansCondensed-Bold' } as const;

const FILES: Record<keyof typeof FONT, string> = { regular: 'dejavu-fonts-ttf/ttf/DejaVuSansCondensed.ttf', bold: 'dejavu-fonts-ttf/ttf/DejaVuSansCondensed-Bold.ttf' };

interface LoadedFonts {
  faces: Record<keyof typeof FONT, fontkit.Font>;
  /** Whether both faces have a glyph for a code point. */
  covers: (codePoint: number) => boolean;
}

let loaded: LoadedFonts | undefined;

/** Distinct words a face remembers the layout of; past it the memory starts again. */
const LAYOUTS_KEPT = 20_000;

/**
 * Shaping a word (OpenType substitutions and kerning) was a fifth of a render, and a word always
 * shapes the same: each face remembers its runs across documents. pdfkit scales a run's positions
 * in place, so every caller gets positions of its own; glyphs are fontkit's shared objects anyway.
 */
function rememberLayouts(face: fontkit.Font): fontkit.Font {
  const shape = face.layout.bind(face);
  const runs = new Map<string, fontkit.GlyphRun>();
  face.layout = (text, features, ...rest: unknown[]) => {
    if (typeof text !== 'string' || rest.some((argument) => argument !== undefined)) return shape(text, features, ...(rest as []));
    const key = `${JSON.stringify(features ?? null)}\u0000${text}`;
    let run = runs.get(key);
    if (!run) {
      if (runs.size >= LAYOUTS_KEPT) runs.clear();
      run = shape(text, features);
      runs.set(key, run);
    }
    // A GlyphRun's getters (advanceWidth, bbox) read its own positions.
    const copy = Object.create(Object.getPrototypeOf(run) as object) as fontkit.GlyphRun;
    return Object.assign(copy, run, { positions: run.positions.map((position) => ({ ...position })) });
  };
  return face;
}

/** The faces, parsed once per process: parsing them again for each document made a render 4 times slower. */
function fonts(): LoadedFonts {
  if (loaded) return loaded;
  const face = (file: string) => rememberLayouts(fontkit.create(readFileSync(require.resolve(file))) as fontkit.Font);
  const faces = { regular: face(FILES.regular), bold: face(FILES.bold) };
  const known = new Map<number, boolean>();
  const covers = (codePoint: number) => {
    let answer = known.get(codePoint);
    if (answer === undefined) {
      answer = faces.regular.hasGlyphForCodePoint(codePoint) && faces.bold.hasGlyphForCodePoint(codePoint);
      known.set(codePoint, answer);
    }
    return answer;
  };
  loaded = { faces, covers };
  return loaded;
}

/** Makes the document's fonts available under the names in FONT (each document embeds its own subset). */
export function registerFonts(pdf: Pdf): void {
  const { faces } = fonts();
  // pdfkit takes a parsed fontkit font as well as a file (its typings list only the latter).
  pdf.registerFont(FONT.regular, faces.regular as never);
  pdf.registerFont(FONT.bold, faces.bold as never);
}

const FORMAT_CHARACTER = /\p{Cf}/u;
const REPLACEMENT = '\uFFFD';

/** `text` as the fonts can print it: format characters left out, anything without a glyph as U+FFFD. */
export function printable(text: string): string {
  const { covers } = fonts();
  let out = '';
  for (const character of text) {
    if (character === '\n' || character === '\t') out += character;
    else if (FORMAT_CHARACTER.test(character)) continue;
    else out += covers(character.codePointAt(0) ?? 0) ? character : REPLACEMENT;
  }
  return out;
}

/** Every string in a plain JSON value (a stored document) made printable. */
export function printableStrings<T>(value: T): T {
  if (typeof value === 'string') return printable(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => printableStrings(item)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, printableStrings(item)])) as T;
  }
  return value;
}
