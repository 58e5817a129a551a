/** One printable machine label. `qrSvg` is trusted markup from the QR renderer; everything else is escaped. */
export interface MachineLabel {
  machineName: string;
  serialNumber: string;
  enterpriseName: string;
  code: string;
  qrSvg: string;
}

export const LABEL_SHEET_TITLE = '电焊机二维码标签';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/** 3 x 4 labels of about 63 x 66 mm per A4 page; dashed borders are the cutting lines. */
const STYLE = `
@page { size: A4; margin: 10mm; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "SimHei", sans-serif; color: #000; }
header { display: flex; justify-content: space-between; align-items: baseline; margin-bottom: 4mm; }
h1 { font-size: 16pt; margin: 0; }
.printed { font-size: 9pt; }
.sheet { display: grid; grid-template-columns: repeat(3, 1fr); gap: 0; }
.label { height: 66mm; border: 0.3mm dashed #888; padding: 3mm; text-align: center; break-inside: avoid; page-break-inside: avoid; overflow: hidden; }
.label svg { width: 38mm; height: 38mm; display: block; margin: 0 auto 1mm; }
.name { font-size: 10pt; font-weight: bold; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.meta { font-size: 8pt; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.code { font-family: "DejaVu Sans Mono", Consolas, monospace; font-size: 8pt; letter-spacing: 0.3pt; }
@media screen { body { max-width: 190mm; margin: 10mm auto; } }
`;

function renderLabel(l: MachineLabel): string {
  return `<div class="label">
${l.qrSvg.trim()}
<div class="name">${escapeHtml(l.machineName)}</div>
<div class="meta">编号 ${escapeHtml(l.serialNumber)}</div>
<div class="meta">${escapeHtml(l.enterpriseName)}</div>
<div class="code">${escapeHtml(l.code)}</div>
</div>`;
}

/** A self-contained A4 HTML page; the browser's fonts render the Chinese text when it is printed. */
export function renderLabelSheet(labels: MachineLabel[], printedOn: string): string {
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>${LABEL_SHEET_TITLE} ${escapeHtml(printedOn)}</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>${LABEL_SHEET_TITLE}</h1><span class="printed">打印日期 ${escapeHtml(printedOn)} · 共 ${labels.length} 张</span></header>
<main class="sheet">
${labels.map(renderLabel).join('\n')}
</main>
</body>
</html>
`;
}
