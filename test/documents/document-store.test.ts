// Invoices and credit notes are rendered once and then served as stored: the bytes a customer got
// first are the bytes every later request gets, also when two first requests race.
import { storedDocument } from '../../infra/document-store';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { norwegianConsumerInvoice } from './fixtures';

const invoice = norwegianConsumerInvoice();

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

test('the first request stores the rendered file; a later one gets the stored bytes without rendering', async () => {
  const first = await storedDocument(db.prisma, 'invoice/stored-once', invoice, 'pdf');
  expect(first).toMatchObject({ contentType: 'application/pdf', fileName: `invoice-${invoice.number}.pdf` });
  const [row] = await db.prisma.documentFile.findMany({ where: { ownerKey: 'invoice/stored-once' } });
  expect(Buffer.from(row!.content).equals(first.content)).toBe(true);

  // The stored file wins over what the document would render to now.
  await db.prisma.documentFile.update({ where: { ownerKey_format: { ownerKey: 'invoice/stored-once', format: 'pdf' } }, data: { content: new Uint8Array(Buffer.from('%PDF-stored')) } });
  const later = await storedDocument(db.prisma, 'invoice/stored-once', invoice, 'pdf');
  expect(later.content.toString()).toBe('%PDF-stored');
});

test('two first requests racing store one file and answer with the same bytes', async () => {
  const answers = await Promise.all([1, 2, 3].map(() => storedDocument(db.prisma, 'invoice/raced', invoice, 'ubl')));
  expect(await db.prisma.documentFile.count({ where: { ownerKey: 'invoice/raced' } })).toBe(1);
  expect(answers.every((answer) => answer.content.equals(answers[0]!.content))).toBe(true);
  expect(answers[0]!.contentType).toBe('application/xml; charset=utf-8');
});
