import { chinaDateTime, ExportColumn } from '../common/sheets/export-builder';
import type { QueryExportSpec } from '../common/sheets/export-stream';
import { toRankingRow, toView } from './off-platform-rows';
import type { SuspectList } from './off-platform.repository';
import {
  AuditEnterpriseRef,
  EmptyEnterpriseView,
  FoundUnregisteredMachineView,
  IdlePermitView,
  JudgedSuspectRef,
  RankingRowView,
  ReportedEnterpriseView,
  ReviewDueCertificateView,
  SilentMachineView,
  UncertifiedWelderView,
  UnpermittedMachineView,
} from './dto/audit.views';
import { RankingSignal } from './off-platform-rules';

const SILENT_ZH: Record<string, string> = {
  unchipped: '未加芯',
  never_online: '加芯后从未上线',
  rarely_online: '加芯后极少上线',
};
const CERT_ZH: Record<string, string> = {
  valid: '有效',
  expiring_90d: '90天内到期',
  unverified: '未核验',
  not_yet_valid: '尚未生效',
  expired: '已过期',
  review_overdue: '逾期未复审',
  suspended: '暂扣',
  revoked: '吊销',
  none: '无证',
};
const REPORT_ZH: Record<string, string> = {
  received: '已受理',
  verifying: '核查中',
  verified: '已查实',
  rejected: '不属实',
  closed: '已销号',
};
export const SIGNAL_ZH: Record<RankingSignal, string> = {
  unchipped_machines: '未加芯焊机',
  silent_machines: '加芯后从未或极少上线',
  online_days_without_permit: '无作业票在线天数',
  arcs_without_grant: '无授权起弧',
  no_machines: '焊接行业无登记焊机',
  no_welders: '焊接行业无登记焊工',
  uncertified_welders: '无有效证书在岗焊工',
  review_due_certificates: '证书待复审',
  idle_permits: '作业票期内无起弧而焊机在别处起弧',
  public_reports: '群众举报',
  unregistered_machines_found: '现场发现无码焊机',
};

const ENTERPRISE: ExportColumn<AuditEnterpriseRef>[] = [
  { header: '单位', width: 30, value: (r) => r.enterpriseName },
  { header: '乡镇', width: 14, value: (r) => r.regionName },
  { header: '行业', width: 18, value: (r) => r.industry },
];
/** When a list judged in the background was judged; one judged for the export says so. */
const JUDGED_AT: ExportColumn<JudgedSuspectRef> = {
  header: '名单判定于',
  width: 18,
  value: (r) => (r.judgedAt ? chinaDateTime(r.judgedAt) : '导出时判定'),
};
const cols = <T extends AuditEnterpriseRef>(own: ExportColumn<T>[]): ExportColumn<T>[] => [
  ...(ENTERPRISE as ExportColumn<T>[]),
  ...own,
];

/** Chinese sheet name, ASCII file stem and columns (over the list's views) of each list's export. Views are masked already. */
export const AUDIT_EXPORTS: Record<
  SuspectList | 'ranking',
  { sheet: string; stem: string; columns: ExportColumn<never>[] }
> = {
  'silent-machines': {
    sheet: '未加芯或不上线焊机',
    stem: 'silent-machines',
    columns: cols<SilentMachineView>([
      { header: '焊机', width: 20, value: (r) => r.machineName },
      { header: '厂家', width: 16, value: (r) => r.manufacturer },
      { header: '型号', width: 14, value: (r) => r.model },
      { header: '出厂编号', width: 20, value: (r) => r.serialNumber },
      { header: '线索', width: 16, value: (r) => SILENT_ZH[r.reason] ?? r.reason },
      { header: '芯片ID', width: 22, value: (r) => r.chipId },
      { header: '加芯时间', width: 18, value: (r) => chinaDateTime(r.boundAt) },
      { header: '最近上报', width: 18, value: (r) => chinaDateTime(r.lastSeenAt) },
      { header: '期内在线天数', value: (r) => r.onlineDays },
      JUDGED_AT,
    ]),
  },
  'unpermitted-machines': {
    sheet: '无票在线或无授权起弧焊机',
    stem: 'unpermitted-machines',
    columns: cols<UnpermittedMachineView>([
      { header: '焊机', width: 20, value: (r) => r.machineName },
      { header: '出厂编号', width: 20, value: (r) => r.serialNumber },
      { header: '芯片ID', width: 22, value: (r) => r.chipId },
      { header: '无作业票在线天数', value: (r) => r.onlineDaysWithoutPermit },
      { header: '无授权起弧次数', value: (r) => r.arcsWithoutGrant },
      { header: '最近无授权起弧', width: 18, value: (r) => chinaDateTime(r.lastArcWithoutGrantAt) },
      JUDGED_AT,
    ]),
  },
  'empty-enterprises': {
    sheet: '焊接行业无焊机或无焊工单位',
    stem: 'empty-enterprises',
    columns: cols<EmptyEnterpriseView>([
      { header: '地址', width: 30, value: (r) => r.address },
      { header: '登记焊机数', value: (r) => r.machines },
      { header: '在岗焊工数', value: (r) => r.welders },
    ]),
  },
  'uncertified-welders': {
    sheet: '无有效证书在岗焊工',
    stem: 'uncertified-welders',
    columns: cols<UncertifiedWelderView>([
      { header: '焊工', width: 10, value: (r) => r.welderName },
      { header: '身份证号', width: 20, value: (r) => r.idNumberMasked },
      { header: '证书状态', width: 12, value: (r) => CERT_ZH[r.certificateState] ?? r.certificateState },
      { header: '最近列入作业票', width: 18, value: (r) => chinaDateTime(r.lastPermitStart) },
      { header: '最近获授权', width: 18, value: (r) => chinaDateTime(r.lastGrantAt) },
    ]),
  },
  'review-due-certificates': {
    sheet: '待复审证书',
    stem: 'review-due-certificates',
    columns: cols<ReviewDueCertificateView>([
      { header: '焊工', width: 10, value: (r) => r.welderName },
      { header: '发证日期', width: 12, value: (r) => r.issuedOn },
      { header: '应复审日期', width: 12, value: (r) => r.reviewDueOn },
      { header: '有效期至', width: 12, value: (r) => r.expiresOn },
      { header: '复审状态', value: (r) => (r.reviewState === 'overdue' ? '逾期未复审' : '待复审') },
    ]),
  },
  'idle-permits': {
    sheet: '作业票期内无起弧而焊机在别处起弧',
    stem: 'idle-permits',
    columns: cols<IdlePermitView>([
      { header: '作业内容', width: 30, value: (r) => r.workDescription },
      { header: '作业地点', width: 26, value: (r) => r.siteAddress },
      { header: '计划开始', width: 18, value: (r) => chinaDateTime(r.plannedStart) },
      { header: '结束', width: 18, value: (r) => chinaDateTime(r.endedAt) },
      { header: '焊机', width: 20, value: (r) => r.machineName },
      { header: '票外起弧次数', value: (r) => r.arcsElsewhere },
      { header: '首次票外起弧', width: 18, value: (r) => chinaDateTime(r.firstArcElsewhereAt) },
    ]),
  },
  'reported-enterprises': {
    sheet: '群众举报指向单位',
    stem: 'reported-enterprises',
    columns: cols<ReportedEnterpriseView>([
      { header: '查询码', width: 12, value: (r) => r.trackingCode },
      { header: '状态', value: (r) => REPORT_ZH[r.status] ?? r.status },
      { header: '举报时间', width: 18, value: (r) => chinaDateTime(r.reportedAt) },
      { header: '地点', width: 26, value: (r) => r.address },
      { header: '举报内容', width: 50, value: (r) => r.description },
    ]),
  },
  'found-unregistered-machines': {
    sheet: '现场发现无码焊机',
    stem: 'found-unregistered-machines',
    columns: cols<FoundUnregisteredMachineView>([
      { header: '发现时间', width: 18, value: (r) => chinaDateTime(r.foundAt) },
      { header: '照片', value: (r) => r.photoCount },
      { header: '情况', width: 50, value: (r) => r.description },
    ]),
  },
  ranking: {
    sheet: '非法作业嫌疑排名',
    stem: 'ranking',
    columns: [
      { header: '排名', value: (r: RankingRowView) => r.rank },
      ...cols<RankingRowView>([
        { header: '得分', value: (r) => r.score },
        {
          header: '得分构成',
          width: 70,
          value: (r) => r.signals.map((s) => `${SIGNAL_ZH[s.signal]} ${s.count}（${s.points}分）`).join('；'),
        },
      ]),
    ] as ExportColumn<never>[],
  },
};

type RawRow = Record<string, unknown>;
type AuditExport = SuspectList | 'ranking';

/** The view of a raw row, made once per row (every column reads it). */
function viewColumns(list: AuditExport): ExportColumn<RawRow>[] {
  const views = new WeakMap<RawRow, unknown>();
  const viewOf = (raw: RawRow): never => {
    let v = views.get(raw);
    if (v === undefined) views.set(raw, (v = list === 'ranking' ? toRankingRow(raw) : toView(raw)));
    return v as never;
  };
  return AUDIT_EXPORTS[list].columns.map((c) => ({ ...c, value: (raw: RawRow) => c.value(viewOf(raw)) }));
}

/**
 * The same exports streamed (QueryExportService): the export worker loads this module, reads the list's
 * statement (OffPlatformRepository.exportStatement) through a cursor and turns each raw row into its view.
 */
export const OFF_PLATFORM_LIST_EXPORTS = Object.fromEntries(
  (Object.keys(AUDIT_EXPORTS) as AuditExport[]).map((list) => [
    list,
    {
      sheetName: AUDIT_EXPORTS[list].sheet,
      asciiBase: `off-platform-${AUDIT_EXPORTS[list].stem}`,
      source: { module: __filename, name: `OFF_PLATFORM_LIST_EXPORTS.${list}` },
      columns: viewColumns(list),
    } satisfies QueryExportSpec<RawRow>,
  ]),
) as Record<AuditExport, QueryExportSpec<RawRow>>;
