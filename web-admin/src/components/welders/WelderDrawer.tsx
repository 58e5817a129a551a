import { Alert, App, Button, Descriptions, Drawer, Popconfirm, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { apiFetch } from '../../api/client';
import type { CertificateView, EngagementView, WelderDetailView } from '../../api/types';
import { useApi, useErrorReporter } from '../../hooks/useApi';
import { chinaToday, fmtDate } from '../format';
import { EmptyState, ErrorState, PageLoading } from '../states';
import { EnumTag } from '../tags';
import { CertificatePhotoButton, CertificatePhotoUpload } from './CertificatePhoto';
import { CertificateModal, EndEngagementModal, TrainingModal } from './WelderRecordForms';
import { WelderPortrait } from './WelderPortrait';

/** The welder's record: masked identity, certificates (add, review), training and engagements. */
export function WelderDrawer({
  welderId,
  canManage,
  trainingTiers,
  onClose,
  onChanged,
}: {
  welderId: string | null;
  canManage: boolean;
  trainingTiers: string[];
  onClose: () => void;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const report = useErrorReporter();
  const { data: w, error, loading, reload } = useApi<WelderDetailView>(welderId ? `/api/welders/${welderId}` : null);
  const [addCert, setAddCert] = useState(false);
  const [addTraining, setAddTraining] = useState(false);
  const [ending, setEnding] = useState<string | null>(null);
  const changed = () => {
    reload();
    onChanged();
  };

  const review = async (c: CertificateView) => {
    try {
      await apiFetch(`/api/certificates/${c.id}/review`, { method: 'POST' });
      void message.success(t('welders.reviewed'));
      changed();
    } catch (e) {
      report(e);
    }
  };

  return (
    <Drawer
      open={!!welderId}
      onClose={onClose}
      title={t('welders.detail')}
      width={Math.min(720, window.innerWidth)}
      destroyOnHidden
      data-testid="welder-drawer"
    >
      {loading && !w ? (
        <PageLoading />
      ) : error && !w ? (
        <ErrorState error={error} onRetry={reload} />
      ) : (
        w && (
          <>
            <Descriptions size="small" bordered column={{ xs: 1, sm: 2 }}>
              <Descriptions.Item label={t('welders.realName')}>{w.realName}</Descriptions.Item>
              <Descriptions.Item label={t('common.status')}>{t(`welderStatus.${w.status}`)}</Descriptions.Item>
              <Descriptions.Item label={t('welders.idNumber')}>
                <span data-testid="masked-id">{w.idNumberMasked}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('welders.phone')}>{w.phoneMasked ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('welders.certificateNumber')}>{w.certificateNumberMasked}</Descriptions.Item>
              <Descriptions.Item label={t('welders.certificateState')}>
                <EnumTag kind="certState" value={w.certificateState} />
              </Descriptions.Item>
              <Descriptions.Item label={t('welders.employer')} span={2}>
                {w.employerName}
              </Descriptions.Item>
            </Descriptions>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t('welders.maskedNotice')}
            </Typography.Text>
            <WelderPortrait welderId={w.id} canManage={canManage} />
            <Tabs
              items={[
                {
                  key: 'certs',
                  label: `${t('welders.certificates')} (${w.certificates.length})`,
                  children: (
                    <>
                      {w.certificates.some((c) => c.verification !== 'verified') && (
                        <Alert
                          type="warning"
                          showIcon
                          message={t('welders.awaitingVerification')}
                          style={{ marginBottom: 8 }}
                          data-testid="certificate-awaiting-verification"
                        />
                      )}
                      {canManage && (
                        <Button
                          size="small"
                          type="primary"
                          onClick={() => setAddCert(true)}
                          style={{ marginBottom: 8 }}
                          data-testid="add-certificate"
                        >
                          {t('welders.addCertificate')}
                        </Button>
                      )}
                      <Table<CertificateView>
                        rowKey="id"
                        size="small"
                        pagination={false}
                        dataSource={w.certificates}
                        scroll={{ x: 640 }}
                        locale={{ emptyText: <EmptyState description={t('welders.noCertificates')} /> }}
                        columns={[
                          {
                            title: t('welders.subOperation'),
                            dataIndex: 'subOperation',
                            render: (v: string) => t(`subOperation.${v}`),
                          },
                          { title: t('welders.issuedOn'), dataIndex: 'issuedOn', render: fmtDate },
                          {
                            title: t('welders.expiresOn'),
                            dataIndex: 'expiresOn',
                            render: (v: string, c) => (
                              <>
                                {fmtDate(v)}
                                <div style={{ fontSize: 12 }}>
                                  {c.daysToExpiry >= 0 ? t('welders.daysToExpiry', { days: c.daysToExpiry }) : ''}
                                </div>
                              </>
                            ),
                          },
                          { title: t('welders.reviewDueOn'), dataIndex: 'reviewDueOn', render: fmtDate },
                          {
                            title: t('welders.validity'),
                            dataIndex: 'validity',
                            render: (v: string) => <EnumTag kind="certState" value={v} />,
                          },
                          {
                            title: t('welders.verification'),
                            dataIndex: 'verification',
                            render: (v: string, c) => (
                              <>
                                <EnumTag kind="verification" value={v} />
                                {c.verification === 'rejected' && c.verificationNote && (
                                  <div style={{ fontSize: 12 }}>
                                    {t('welders.rejectionReason', { reason: c.verificationNote })}
                                  </div>
                                )}
                              </>
                            ),
                          },
                          {
                            title: t('common.actions'),
                            key: 'a',
                            render: (_: unknown, c: CertificateView) => (
                              <Space wrap>
                                {c.hasPhoto && <CertificatePhotoButton certificateId={c.id} />}
                                {canManage && <CertificatePhotoUpload certificateId={c.id} onDone={changed} />}
                                {canManage && (
                                  // Recording a review sends the record back for verification: say so before, not after.
                                  <Popconfirm title={t('welders.reviewResetsVerification')} onConfirm={() => review(c)}>
                                    <Button size="small">{t('welders.review')}</Button>
                                  </Popconfirm>
                                )}
                              </Space>
                            ),
                          },
                        ]}
                      />
                    </>
                  ),
                },
                {
                  key: 'trainings',
                  label: `${t('welders.trainings')} (${w.trainingTotal})`,
                  children: (
                    <>
                      {trainingTiers.length > 0 && (
                        <Button
                          size="small"
                          type="primary"
                          onClick={() => setAddTraining(true)}
                          style={{ marginBottom: 8 }}
                        >
                          {t('welders.addTraining')}
                        </Button>
                      )}
                      <Table
                        rowKey="id"
                        size="small"
                        pagination={false}
                        dataSource={w.trainings}
                        locale={{ emptyText: <EmptyState description={t('welders.noTrainings')} /> }}
                        columns={[
                          { title: t('welders.completedOn'), dataIndex: 'completedOn', render: fmtDate },
                          {
                            title: t('welders.tier'),
                            dataIndex: 'tier',
                            render: (v: string) => t(`trainingTier.${v}`),
                          },
                          { title: t('welders.course'), dataIndex: 'course' },
                          { title: t('welders.hours'), dataIndex: 'hours', align: 'right' },
                          {
                            title: t('welders.passed'),
                            dataIndex: 'passed',
                            render: (v: boolean) =>
                              v ? <Tag color="green">{t('common.yes')}</Tag> : <Tag color="red">{t('common.no')}</Tag>,
                          },
                        ]}
                      />
                    </>
                  ),
                },
                {
                  key: 'engagements',
                  label: `${t('welders.engagements')} (${w.engagements.length})`,
                  children: w.engagements.length ? (
                    <Table<EngagementView>
                      rowKey="id"
                      size="small"
                      pagination={false}
                      dataSource={w.engagements}
                      columns={[
                        { title: t('common.enterprise'), dataIndex: 'enterpriseName' },
                        {
                          title: t('welders.engagementKind'),
                          dataIndex: 'kind',
                          render: (v: string) => t(`engagementKind.${v}`),
                        },
                        { title: t('welders.startsOn'), dataIndex: 'startsOn', render: fmtDate },
                        { title: t('welders.endsOn'), dataIndex: 'endsOn', render: fmtDate },
                        {
                          title: t('common.status'),
                          dataIndex: 'activeToday',
                          render: (v: boolean) => <Space>{v ? <Tag color="green">✓</Tag> : <Tag>—</Tag>}</Space>,
                        },
                        // Either party may bring the last day forward (to today at the earliest); the server checks which (403 otherwise).
                        ...(canManage
                          ? [
                              {
                                title: t('common.actions'),
                                key: 'a',
                                render: (_: unknown, g: EngagementView) =>
                                  (g.endsOn === null || g.endsOn > chinaToday()) && (
                                    <Button size="small" onClick={() => setEnding(g.id)} data-testid="end-engagement">
                                      {t('welders.endEngagement')}
                                    </Button>
                                  ),
                              },
                            ]
                          : []),
                      ]}
                    />
                  ) : (
                    <EmptyState description={t('welders.noEngagements')} />
                  ),
                },
              ]}
            />
            <CertificateModal
              welderId={w.id}
              open={addCert}
              onClose={(s) => {
                setAddCert(false);
                if (s) {
                  void message.success(t('welders.certificateSaved'));
                  changed();
                }
              }}
            />
            <EndEngagementModal
              welderId={w.id}
              engagementId={ending}
              onClose={(s) => {
                setEnding(null);
                if (s) {
                  void message.success(t('welders.engagementEnded'));
                  changed();
                }
              }}
            />
            <TrainingModal
              welderId={w.id}
              open={addTraining}
              tiers={trainingTiers}
              onClose={(s) => {
                setAddTraining(false);
                if (s) changed();
              }}
            />
          </>
        )
      )}
    </Drawer>
  );
}
