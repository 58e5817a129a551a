import QRCode from 'qrcode';
import {
  DOCUMENT_TITLES,
  DocumentHazard,
  DocumentKind,
  EnforcementDocument,
  InspectionRecordDocument,
  RectificationOrderDocument,
  ReviewOpinionDocument,
  ReviewOutcome,
} from '../document-views';
import { cnDate, cnDateTime, PdfForm } from './pdf-form';

/**
 * Renders an enforcement document (执法文书) to PDF: pure, from the view object alone (no database, no
 * clock), so it runs in a worker thread and in unit tests alike.
 */
export async function renderDocument(doc: EnforcementDocument): Promise<Buffer> {
  const title = DOCUMENT_TITLES[doc.kind];
  const form = new PdfForm(title);
  const qr = await QRCode.toBuffer(doc.link, { type: 'png', errorCorrectionLevel: 'M', margin: 1, scale: 4 });
  form.header(doc.authority, title, doc.number, qr, doc.link);
  switch (doc.kind) {
    case DocumentKind.InspectionRecord:
      inspectionRecord(form, doc);
      break;
    case DocumentKind.RectificationOrder:
      rectificationOrder(form, doc);
      break;
    case DocumentKind.ReviewOpinion:
      reviewOpinion(form, doc);
      break;
  }
  form.note(`本文书由系统生成，扫描右上角二维码或访问以下地址核验电子记录：${doc.link}`);
  return form.finish();
}

function enterpriseRows(form: PdfForm, doc: EnforcementDocument, label = '被检查单位'): void {
  const e = doc.enterprise;
  form.row(label, e.name);
  form.row('统一社会信用代码', e.uscc);
  form.row('地址', [e.regionName, e.address].filter(Boolean).join(' '));
  form.pair(['主要负责人', e.principalName], ['实际控制人', e.controllerName ?? '']);
}

function hazardLine(h: DocumentHazard, withDeadline: boolean): string {
  const parts = [`【${h.category}｜${h.level}隐患】${h.description}`];
  if (h.legalBasis) parts.push(`违反规定：${h.legalBasis}`);
  if (withDeadline && h.deadline) parts.push(`整改期限：${cnDate(h.deadline)}前`);
  return parts.join('\n');
}

/** 现场检查记录 */
function inspectionRecord(form: PdfForm, doc: InspectionRecordDocument): void {
  enterpriseRows(form, doc);
  form.row('检查计划', doc.planTitle);
  const place =
    doc.checkInLatitude != null && doc.checkInLongitude != null
      ? `（定位 ${doc.checkInLatitude.toFixed(5)}, ${doc.checkInLongitude.toFixed(5)}）`
      : '';
  form.row('检查时间', `${cnDateTime(doc.checkedInAt)}${place}`);
  form.pair(['检查人员', doc.inspectors.join('、')], ['现场签到', doc.checkedInByName ?? '']);
  form.row('检查方式', '双随机抽查，“四不两直”现场检查（现场查、现场讲、现场交办、现场签字、现场验收）');
  form.heading('一、检查情况（现场查）');
  form.paragraph(doc.findings?.trim() || '（现场检查情况见下列发现的问题）');
  form.heading('二、发现的问题和隐患');
  if (doc.hazards.length) form.items(doc.hazards.map((h) => hazardLine(h, true)));
  else form.paragraph('本次检查未发现安全生产隐患。');
  form.heading('三、现场讲解和交办（现场讲、现场交办）');
  form.paragraph(
    doc.explained?.trim() ||
      (doc.hazards.length
        ? '已向被检查单位讲解上述问题涉及的法律法规要求，并现场交办整改事项，整改情况将依法复查。'
        : '已向被检查单位宣讲焊接作业安全管理要求。'),
  );
  form.signatures([
    { label: '检查人员（签名）', name: doc.inspectors.join('、'), date: cnDate(doc.checkedInAt) },
    {
      label: '被检查单位负责人（签名）',
      name: doc.signerName ?? null,
      image: doc.signature ?? null,
      date: doc.signedAt ? cnDate(doc.signedAt) : undefined,
    },
  ]);
}

/** 责令限期整改指令书 */
function rectificationOrder(form: PdfForm, doc: RectificationOrderDocument): void {
  form.paragraph(`${doc.enterprise.name}：`, { indent: false, bold: true });
  form.paragraph('经查，你单位存在下列问题：');
  form.items([hazardLine(doc.hazard, false)]);
  const basis = doc.hazard.legalBasis ? `依据${doc.hazard.legalBasis}的规定，` : '依据有关安全生产法律法规的规定，';
  form.paragraph(
    `${basis}现责令你单位于 ${cnDate(doc.deadline)} 前整改完毕，达到有关法律、法规、规章和标准规定的要求，并将整改情况连同整改证据（文字、照片）在平台上报告。由此造成事故的，依法追究有关人员的责任。`,
  );
  if (doc.requirement?.trim()) form.paragraph(`整改要求：${doc.requirement.trim()}`);
  form.paragraph('整改期间，你单位应当采取措施，确保安全生产。对安全生产违法行为，将依法予以行政处罚。');
  form.paragraph(
    '如果不服本指令，可以依法在60日内申请行政复议，或者在6个月内依法向人民法院提起行政诉讼，但本指令不停止执行，法律另有规定的除外。',
  );
  enterpriseRows(form, doc, '被责令单位');
  form.pair(['整改期限', cnDate(doc.deadline)], ['下达时间', cnDateTime(doc.orderedAt)]);
  form.signatures([
    { label: '执法人员（签名）', name: doc.orderedByName, date: cnDate(doc.orderedAt) },
    { label: '被检查单位负责人（签名）' },
  ]);
}

const OUTCOME_TEXT: Record<ReviewOutcome, string> = {
  [ReviewOutcome.Passed]: '经复查，你单位已按要求完成整改，复查合格，待审核销号。',
  [ReviewOutcome.SignedOff]: '经复查，你单位已按要求完成整改，复查合格，该隐患已审核销号。',
  [ReviewOutcome.Returned]: '经复查，你单位未按要求完成整改，复查不合格，责令继续整改。',
};

/** 整改复查意见书 */
function reviewOpinion(form: PdfForm, doc: ReviewOpinionDocument): void {
  form.paragraph(`${doc.enterprise.name}：`, { indent: false, bold: true });
  const order = doc.orderNumber ? `《责令限期整改指令书》（${doc.orderNumber}）` : '《责令限期整改指令书》';
  form.paragraph(
    `本机关于 ${cnDate(doc.orderedAt)} 作出了${order}，责令你单位对下列问题限期整改。${
      doc.rectifiedAt ? `你单位于 ${cnDate(doc.rectifiedAt)} 报告了整改情况。` : ''
    }经对你单位整改情况进行${doc.onSite === true ? '现场' : doc.onSite === false ? '书面' : ''}复查，提出如下意见：`,
  );
  form.items([hazardLine(doc.hazard, true)]);
  if (doc.rectificationNote?.trim()) form.row('整改情况', doc.rectificationNote.trim());
  form.row('复查方式', doc.onSite === true ? '现场复查' : doc.onSite === false ? '书面复查' : '审核销号');
  form.row('复查意见', [OUTCOME_TEXT[doc.outcome], doc.opinion?.trim()].filter(Boolean).join('\n'));
  if (doc.outcome === ReviewOutcome.Returned)
    form.row('继续整改期限', doc.newDeadline ? `${cnDate(doc.newDeadline)}前` : '按原指令期限');
  if (doc.signedOffAt) form.pair(['销号时间', cnDateTime(doc.signedOffAt)], ['销号人', doc.signedOffByName ?? '']);
  enterpriseRows(form, doc, '被复查单位');
  form.pair(['复查时间', cnDateTime(doc.reviewedAt)], ['复查人员', doc.reviewedByName]);
  form.signatures([
    { label: '复查人员（签名）', name: doc.verifiedByName ?? doc.reviewedByName, date: cnDate(doc.reviewedAt) },
    { label: '被复查单位负责人（签名）' },
  ]);
}
