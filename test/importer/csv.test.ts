import { CsvError, parseCsv } from '../../importer/csv';
import { checkColumns } from '../../importer/import-rows';

describe('parseCsv', () => {
  test('reads a header and rows as a spreadsheet exports them: quotes, doubled quotes, commas and line breaks in fields, CRLF, a BOM', () => {
    const text = '\ufeffid,name,note\r\nsub_1,"Hopper, Grace","said ""hi""\r\non two lines"\r\nsub_2, Ada ,\r\n\r\n';
    expect(parseCsv(text)).toEqual({
      header: ['id', 'name', 'note'],
      rows: [
        { line: 2, values: { id: 'sub_1', name: 'Hopper, Grace', note: 'said "hi"\r\non two lines' } },
        // Cells are trimmed; an empty cell is left out.
        { line: 4, values: { id: 'sub_2', name: 'Ada' } },
      ],
    });
  });

  test.each([
    ['an empty file', '', 'the file is empty'],
    ['a row with too few fields', 'id,email\nsub_1\n', 'line 2: 1 fields, but the header has 2'],
    ['an unclosed quote', 'id,email\nsub_1,"ada@example.com\n', 'line 2: a quoted field is not closed'],
    ['a stray quote', 'id,email\nsub_1,ada"@example.com\n', 'line 2: a quote inside an unquoted field'],
    ['a repeated column', 'id,id\n1,2\n', 'line 1: column "id" appears twice'],
  ])('refuses %s, naming the line', (_what, text, message) => {
    expect(() => parseCsv(text)).toThrow(CsvError);
    expect(() => parseCsv(text)).toThrow(message);
  });
});

test('the header must have every required column and no unknown one', () => {
  expect(() => checkColumns(['id', 'email', 'plan', 'paymentMethod', 'currentPeriodEnd', 'name', 'timeZone'])).not.toThrow();
  expect(() => checkColumns(['id', 'email', 'plan', 'currentPeriodEnd'])).toThrow('missing column(s) paymentMethod');
  expect(() => checkColumns(['id', 'email', 'plan', 'paymentMethod', 'currentPeriodEnd', 'paid_until'])).toThrow('unknown column(s) paid_until');
});
