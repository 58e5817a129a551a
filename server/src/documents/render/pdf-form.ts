import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import PDFDocument from 'pdfkit';

/**
 * The CJK font comes with the install step: Noto Sans SC (OFL) from the npm package
 * @expo-google-fonts/noto-sans-sc, TrueType outlines that fontkit subsets well (a document carries only
 * the glyphs it uses, a few kB instead of 10 MB).
 */
const FONT_DIR = dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json'));
const FONT_FILES = {
  regular: join(FONT_DIR, '400Regular', 'NotoSansSC_400Regular.ttf'),
  bold: join(FONT_DIR, '700Bold', 'NotoSansSC_700Bold.ttf'),
} as const;
type FontName = keyof typeof FONT_FILES;

let fonts: Record<FontName, Buffer> | null = null;
/** Read once per thread: a render worker loads them once. */
function fontBytes(): Record<FontName, Buffer> {
  fonts ??= { regular: readFileSync(FONT_FILES.regular), bold: readFileSync(FONT_FILES.bold) };
  return fonts;
}

const CST_OFFSET_MS = 8 * 3600 * 1000;
const cst = (d: Date) => new Date(d.getTime() + CST_OFFSET_MS);

/** 2026年12月20日 (China calendar). */
export function cnDate(d: Date | null | undefined): string {
  if (!d) return '—';
  const t = cst(d);
  return `${t.getUTCFullYear()}年${t.getUTCMonth() + 1}月${t.getUTCDate()}日`;
}

/** 2026年12月20日 09:30 (China time). */
export function cnDateTime(d: Date | null | undefined): string {
  if (!d) return '—';
  const t = cst(d);
  const hh = String(t.getUTCHours()).padStart(2, '0');
  const mm = String(t.getUTCMinutes()).padStart(2, '0');
  return `${cnDate(d)} ${hh}:${mm}`;
}

const A4 = { width: 595.28, height: 841.89 };
const MARGIN = 56;
const LABEL_WIDTH = 104;
const PAD = 5;
const QR_SIZE = 66;

/**
 * A one-column A4 form in the look of the printed 执法文书: the issuing authority, the title, the number,
 * bordered label/value rows, numbered items, paragraphs and a signature block. Text wraps at CJK
 * characters; rows move to a new page whole.
 */
export class PdfForm {
  readonly doc: PDFKit.PDFDocument;
  private readonly chunks: Buffer[] = [];
  private readonly done: Promise<Buffer>;
  readonly width = A4.width - 2 * MARGIN;
  readonly left = MARGIN;

  constructor(title: string) {
    this.doc = new PDFDocument({
      size: 'A4',
      margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
      info: { Title: title, Creator: 'ArcGate', Producer: 'ArcGate' },
      lang: 'zh-CN',
      bufferPages: false,
    });
    const f = fontBytes();
    this.doc.registerFont('regular', f.regular);
    this.doc.registerFont('bold', f.bold);
    this.doc.font('regular');
    this.doc.on('data', (c: Buffer) => this.chunks.push(c));
    this.done = new Promise((resolve, reject) => {
      this.doc.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.doc.on('error', reject);
    });
  }

  get y(): number {
    return this.doc.y;
  }

  private get bottom(): number {
    return A4.height - MARGIN;
  }

  /** A new page when `height` does not fit below the cursor. */
  ensure(height: number): void {
    if (this.doc.y + height > this.bottom) {
      this.doc.addPage();
      this.doc.y = MARGIN;
    }
  }

  /** Authority, title, number; the QR code of the record's link in the top right corner. */
  header(authority: string, title: string, number: string, qrPng: Buffer, link: string): void {
    const d = this.doc;
    const top = MARGIN - 16;
    d.image(qrPng, A4.width - MARGIN - QR_SIZE + 6, top, { width: QR_SIZE, height: QR_SIZE });
    d.link(A4.width - MARGIN - QR_SIZE + 6, top, QR_SIZE, QR_SIZE, link);
    d.font('regular')
      .fontSize(7)
      .text('扫码查看电子记录', A4.width - MARGIN - QR_SIZE, top + QR_SIZE + 1, {
        width: QR_SIZE + 12,
        align: 'center',
      });
    const textWidth = this.width - 2 * (QR_SIZE - 6);
    const textLeft = MARGIN + QR_SIZE - 6;
    d.font('regular').fontSize(13).text(authority, textLeft, MARGIN, { width: textWidth, align: 'center' });
    d.moveDown(0.3);
    d.font('bold').fontSize(22).text(title, textLeft, d.y, { width: textWidth, align: 'center', characterSpacing: 2 });
    d.moveDown(0.2);
    d.font('regular').fontSize(11).text(number, textLeft, d.y, { width: textWidth, align: 'center' });
    d.y = Math.max(d.y, top + QR_SIZE + 12) + 10;
    d.x = MARGIN;
  }

  /** A bordered row: label on the left, value on the right (wrapped). */
  row(label: string, value: string): void {
    const d = this.doc;
    d.font('regular').fontSize(10.5);
    const valueWidth = this.width - LABEL_WIDTH - 2 * PAD;
    const text = value.trim() || '—';
    const h =
      Math.max(
        d.heightOfString(label, { width: LABEL_WIDTH - 2 * PAD }),
        d.heightOfString(text, { width: valueWidth }),
      ) +
      2 * PAD;
    this.ensure(h);
    const y = d.y;
    d.rect(MARGIN, y, LABEL_WIDTH, h).fillAndStroke('#f2f2f2', '#333333');
    d.rect(MARGIN + LABEL_WIDTH, y, this.width - LABEL_WIDTH, h).stroke('#333333');
    d.fillColor('#000000');
    d.font('bold').text(label, MARGIN + PAD, y + PAD, { width: LABEL_WIDTH - 2 * PAD });
    d.font('regular').text(text, MARGIN + LABEL_WIDTH + PAD, y + PAD, { width: valueWidth });
    d.x = MARGIN;
    d.y = y + h;
  }

  /** Two label/value pairs on one bordered row. */
  pair(a: [string, string], b: [string, string]): void {
    const d = this.doc;
    d.font('regular').fontSize(10.5);
    const half = this.width / 2;
    const valueWidth = half - LABEL_WIDTH - 2 * PAD;
    const texts = [a[1].trim() || '—', b[1].trim() || '—'];
    const h =
      Math.max(
        ...texts.map((t) => d.heightOfString(t, { width: valueWidth })),
        d.heightOfString(a[0], { width: LABEL_WIDTH - 2 * PAD }),
        d.heightOfString(b[0], { width: LABEL_WIDTH - 2 * PAD }),
      ) +
      2 * PAD;
    this.ensure(h);
    const y = d.y;
    [a, b].forEach(([label], i) => {
      const x = MARGIN + i * half;
      d.rect(x, y, LABEL_WIDTH, h).fillAndStroke('#f2f2f2', '#333333');
      d.rect(x + LABEL_WIDTH, y, half - LABEL_WIDTH, h).stroke('#333333');
      d.fillColor('#000000');
      d.font('bold').text(label, x + PAD, y + PAD, { width: LABEL_WIDTH - 2 * PAD });
      d.font('regular').text(texts[i], x + LABEL_WIDTH + PAD, y + PAD, { width: valueWidth });
    });
    d.x = MARGIN;
    d.y = y + h;
  }

  /** A section heading. */
  heading(text: string): void {
    this.ensure(28);
    this.doc.moveDown(0.6);
    this.doc.font('bold').fontSize(12).text(text, MARGIN, this.doc.y, { width: this.width });
    this.doc.moveDown(0.2);
  }

  /** A paragraph of body text, first line indented like a letter. */
  paragraph(text: string, opts: { indent?: boolean; size?: number; bold?: boolean } = {}): void {
    const d = this.doc;
    d.font(opts.bold ? 'bold' : 'regular').fontSize(opts.size ?? 11.5);
    const options = {
      width: this.width,
      indent: opts.indent === false ? 0 : 23,
      lineGap: 3,
      align: 'justify' as const,
    };
    this.ensure(Math.min(d.heightOfString(text, options), 60));
    d.text(text, MARGIN, d.y, options);
    d.moveDown(0.3);
  }

  /** Numbered items (1. 2. …), each wrapped under its number. */
  items(lines: string[]): void {
    const d = this.doc;
    d.font('regular').fontSize(11);
    lines.forEach((line, i) => {
      const label = `${i + 1}.`;
      const options = { width: this.width - 22, lineGap: 2 };
      this.ensure(Math.min(d.heightOfString(line, options), 60));
      const y = d.y;
      d.text(label, MARGIN, y, { width: 20 });
      d.text(line, MARGIN + 22, y, options);
      d.moveDown(0.3);
    });
  }

  /**
   * The signature block: each party on its own line with a space to sign, the signature image drawn in
   * it when there is one, and the date.
   */
  signatures(parties: { label: string; name?: string | null; image?: Uint8Array | null; date?: string }[]): void {
    const d = this.doc;
    const lineHeight = 46;
    this.ensure(parties.length * lineHeight + 20);
    d.moveDown(1);
    for (const p of parties) {
      const y = d.y;
      d.font('regular')
        .fontSize(11)
        .text(`${p.label}：`, MARGIN, y + 14, { width: 170 });
      const signX = MARGIN + 170;
      if (p.image?.length) {
        try {
          d.image(Buffer.from(p.image), signX, y, { fit: [150, 40] });
        } catch {
          // An unreadable image leaves the space to sign by hand.
        }
      }
      if (p.name)
        d.fontSize(9)
          .fillColor('#555555')
          .text(p.name, signX, y + 34, { width: 150 });
      d.fillColor('#000000');
      d.moveTo(signX, y + 32)
        .lineTo(signX + 150, y + 32)
        .stroke('#333333');
      d.fontSize(11).text(p.date ?? '      年    月    日', signX + 165, y + 14, { width: this.width - 335 });
      d.x = MARGIN;
      d.y = y + lineHeight;
    }
  }

  /** A note in small print under the last content (e.g. the record's link). */
  note(text: string): void {
    const d = this.doc;
    d.font('regular').fontSize(8).fillColor('#555555');
    this.ensure(d.heightOfString(text, { width: this.width }) + 10);
    d.moveDown(0.8);
    d.text(text, MARGIN, d.y, { width: this.width });
    d.fillColor('#000000');
  }

  finish(): Promise<Buffer> {
    this.doc.end();
    return this.done;
  }
}
