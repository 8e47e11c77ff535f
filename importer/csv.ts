// RFC 4180 CSV, as spreadsheets export it: a header row, commas, fields in double quotes when
// they hold commas, quotes ("" inside) or line breaks, CRLF or LF line ends, an optional BOM.

export interface CsvRow {
  /** 1-based line of the file where the row starts, for error messages. */
  line: number;
  values: Record<string, string>;
}

export class CsvError extends Error {
  override readonly name = 'CsvError';
}

/** Every record of `text` as arrays of fields, each with the line it starts on. */
function records(text: string): Array<{ line: number; fields: string[] }> {
  const out: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    fields.push(field);
    // A blank line (or the file's final newline) is no record.
    if (fields.length > 1 || fields[0] !== '') out.push({ line: recordLine, fields });
    fields = [];
    field = '';
    recordLine = line;
  };
  for (; i < text.length; i += 1) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') line += 1;
        field += c;
      }
    } else if (c === '"') {
      if (field !== '') throw new CsvError(`line ${line}: a quote inside an unquoted field`);
      quoted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      line += 1;
      endRecord();
    } else field += c;
  }
  if (quoted) throw new CsvError(`line ${recordLine}: a quoted field is not closed`);
  endRecord();
  return out;
}

/** The rows of a CSV file with a header, as name → value (values trimmed; empty cells omitted). */
export function parseCsv(text: string): { header: string[]; rows: CsvRow[] } {
  const [head, ...body] = records(text);
  if (!head) throw new CsvError('the file is empty: it needs a header row');
  const header = head.fields.map((name) => name.trim());
  const repeated = header.find((name, index) => header.indexOf(name) !== index);
  if (repeated) throw new CsvError(`line ${head.line}: column "${repeated}" appears twice in the header`);
  const rows = body.map(({ line, fields }) => {
    if (fields.length !== header.length) {
      throw new CsvError(`line ${line}: ${fields.length} fields, but the header has ${header.length}`);
    }
    const values: Record<string, string> = {};
    header.forEach((name, index) => {
      const value = fields[index]!.trim();
      if (value !== '') values[name] = value;
    });
    return { line, values };
  });
  return { header, rows };
}
