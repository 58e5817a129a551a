import { png } from '../../../test-support/images';
import { readPdf as read } from '../../../test-support/pdf-read';
import {
  DocumentEnterprise,
  DocumentKind,
  InspectionRecordDocument,
  RectificationOrderDocument,
  ReviewOpinionDocument,
  ReviewOutcome,
} from '../document-views';
import { renderDocument } from './render-document';
import { DocumentRenderer } from './render-off-thread';

const enterprise: DocumentEnterprise = {
  name: '恒达钢结构有限公司',
  uscc: '91411426MA9XXXXX1A',
  address: '会亭镇工业园区8号',
  principalName: '王建国',
  controllerName: '李明',
  regionName: '会亭镇',
};
const hazard = {
  category: '焊机未加芯赋码',
  level: '重大',
  description: '2号车间两台电焊机未加装芯片赋码即投入使用',
  legalBasis: '《中华人民共和国安全生产法》第三十六条',
  deadline: new Date('2026-12-20T09:00:00Z'),
};
const link = 'https://arcgate.example.cn/console/hazards?open=6f1c2a7e-0000-4000-8000-000000000001';

const squash = (s: string) => s.replace(/\s+/g, '');

describe('enforcement documents (PDF, Chinese, QR back to the record)', () => {
  it('责令限期整改指令书: title, number, enterprise, the hazard, its legal basis and the deadline; QR decodes to the record', async () => {
    const doc: RectificationOrderDocument = {
      kind: DocumentKind.RectificationOrder,
      number: '责改〔2026〕第3号',
      link,
      authority: '会亭镇安全生产监管部门',
      enterprise,
      hazard,
      orderedAt: new Date('2026-12-06T02:30:00Z'),
      orderedByName: '会亭镇安监站',
      requirement: '立即停用未赋码焊机，完成加芯赋码后方可使用',
      deadline: hazard.deadline,
    };
    const pdf = await renderDocument(doc);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const { text, qr } = await read(pdf);
    for (const s of [
      '责令限期整改指令书',
      '责改〔2026〕第3号',
      '会亭镇安全生产监管部门',
      '恒达钢结构有限公司',
      '会亭镇工业园区8号',
      '王建国',
      hazard.description,
      '焊机未加芯赋码',
      '重大隐患',
      '《中华人民共和国安全生产法》第三十六条',
      '2026年12月20日前整改完毕',
      '立即停用未赋码焊机',
    ])
      expect(text).toContain(squash(s));
    expect(qr).toEqual([link]);
    // The font is embedded as a subset: the whole Noto Sans SC is over 10 MB.
    expect(pdf.length).toBeLessThan(200_000);
  });

  it('整改复查意见书: returned with a new deadline, and signed off', async () => {
    const base: ReviewOpinionDocument = {
      kind: DocumentKind.ReviewOpinion,
      number: '复查〔2026〕第1号',
      link,
      authority: '会亭镇安全生产监管部门',
      enterprise,
      hazard,
      orderNumber: '责改〔2026〕第3号',
      orderedAt: new Date('2026-12-06T02:30:00Z'),
      rectifiedAt: new Date('2026-12-10T02:30:00Z'),
      rectificationNote: '两台焊机已加装芯片并赋码',
      outcome: ReviewOutcome.Returned,
      reviewedAt: new Date('2026-12-11T02:30:00Z'),
      reviewedByName: '张检查',
      onSite: true,
      opinion: '其中一台芯片未上线',
      newDeadline: new Date('2026-12-25T09:00:00Z'),
      verifiedByName: null,
      signedOffByName: null,
      signedOffAt: null,
    };
    const returned = await read(await renderDocument(base));
    for (const s of [
      '整改复查意见书',
      '复查〔2026〕第1号',
      '责改〔2026〕第3号',
      '恒达钢结构有限公司',
      hazard.description,
      '两台焊机已加装芯片并赋码',
      '复查不合格，责令继续整改',
      '其中一台芯片未上线',
      '2026年12月25日前',
      '现场复查',
    ])
      expect(returned.text).toContain(squash(s));
    expect(returned.qr).toEqual([link]);

    const signedOff = await read(
      await renderDocument({
        ...base,
        outcome: ReviewOutcome.SignedOff,
        onSite: false,
        opinion: null,
        newDeadline: null,
        verifiedByName: '张检查',
        signedOffByName: '夏邑县应急管理局',
        signedOffAt: new Date('2026-12-12T02:30:00Z'),
      }),
    );
    expect(signedOff.text).toContain('该隐患已审核销号');
    expect(signedOff.text).toContain('书面复查');
    expect(signedOff.text).toContain('夏邑县应急管理局');
    expect(signedOff.text).not.toContain('复查不合格');
  });

  it('现场检查记录: inspectors, time, hazards with deadlines, the on-site fields and the signature image (off the event loop)', async () => {
    const recordLink = 'https://arcgate.example.cn/console/inspections?open=plan-1&target=2';
    const doc: InspectionRecordDocument = {
      kind: DocumentKind.InspectionRecord,
      number: '检查〔2026〕第7号',
      link: recordLink,
      authority: '夏邑县安全生产监管部门',
      enterprise,
      planTitle: '2026年12月焊接作业双随机抽查',
      checkedInAt: new Date('2026-12-06T01:05:00Z'),
      checkedInByName: '张检查',
      checkInLatitude: 34.1722,
      checkInLongitude: 116.0013,
      inspectors: ['张检查', '李执法'],
      hazards: [
        hazard,
        { ...hazard, category: '监护缺失', level: '一般', description: '动火作业无监护人', legalBasis: null },
      ],
      findings: '现场抽查焊机三台、焊工两名',
      explained: '讲解了焊机加芯赋码和动火作业票要求',
      signerName: '王建国',
      signedAt: new Date('2026-12-06T02:00:00Z'),
      signature: png(120, 40),
    };
    const renderer = new DocumentRenderer();
    try {
      const pdf = await renderer.render(doc);
      const { text, qr } = await read(pdf);
      for (const s of [
        '现场检查记录',
        '检查〔2026〕第7号',
        '恒达钢结构有限公司',
        '2026年12月焊接作业双随机抽查',
        '2026年12月6日09:05',
        '张检查、李执法',
        hazard.description,
        '2026年12月20日前',
        '动火作业无监护人',
        '现场抽查焊机三台、焊工两名',
        '讲解了焊机加芯赋码和动火作业票要求',
        '王建国',
      ])
        expect(text).toContain(squash(s));
      expect(qr).toEqual([recordLink]);
      // The worker stays for the next document, and renders it the same; a failed one spoils nothing after it.
      expect((await renderer.render(doc)).length).toBe(pdf.length);
      await expect(renderer.render({ ...doc, link: '' })).rejects.toThrow(/document render failed/);
      expect((await renderer.render(doc)).length).toBe(pdf.length);
    } finally {
      await renderer.onModuleDestroy();
    }
  });

  it('a record without the on-site fields (not yet collected) still renders, with room to sign by hand', async () => {
    const { text } = await read(
      await renderDocument({
        kind: DocumentKind.InspectionRecord,
        number: '检查〔2026〕第8号',
        link,
        authority: '夏邑县安全生产监管部门',
        enterprise: { ...enterprise, controllerName: null },
        planTitle: '抽查',
        checkedInAt: new Date('2026-12-06T01:05:00Z'),
        checkedInByName: null,
        inspectors: ['张检查', '李执法'],
        hazards: [],
      }),
    );
    expect(text).toContain('本次检查未发现安全生产隐患');
    expect(text).toContain('被检查单位负责人（签名）');
  });
});
