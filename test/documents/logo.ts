// A seller logo made on the spot (a wordmark drawn with pdfkit, rasterised by pdftoppm), so the
// logo path of the renderer is exercised without a binary file in the repository.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { pageToPng } from './poppler';

export async function writeSampleLogo(dir: string): Promise<string> {
  const pdf = new PDFDocument({ size: [180, 50], margin: 0, info: { CreationDate: new Date(0) } });
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve) => pdf.on('end', resolve));
  pdf.roundedRect(0, 0, 50, 50, 8).fillColor('#1f4e79').fill();
  pdf.font('Helvetica-Bold').fontSize(30).fillColor('#ffffff').text('F', 16, 10, { lineBreak: false });
  pdf.font('Helvetica-Bold').fontSize(22).fillColor('#1f4e79').text('Fjordlys', 60, 14, { lineBreak: false });
  pdf.end();
  await ended;
  const pdfPath = path.join(dir, 'logo.pdf');
  writeFileSync(pdfPath, Buffer.concat(chunks));
  return pageToPng(pdfPath, path.join(dir, 'logo'), 1, 144);
}
