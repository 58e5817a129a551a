import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { FieldCipher } from '../common/crypto/field-cipher';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { offsetOf, paginate, Paginated } from '../common/http/pagination';
import { Role } from '../common/roles/role';
import { isValidMobile } from '../common/validation/identifiers';
import {
  CreateEndpointDto,
  DeliveryView,
  EndpointView,
  ListDeliveriesQueryDto,
  ListNotificationsQueryDto,
  NotificationRuleView,
  NotificationView,
  UnreadCountView,
  UpdateNotificationRuleDto,
} from './dto/notifications.dto';
import { maskTarget } from './masking';
import { Notification, NotificationDelivery, NotificationEndpoint, NotificationRule } from './notification.entities';
import { NotificationRouter } from './notification-router';
import { EndpointOwner, PERSONAL_CHANNELS, ROBOT_CHANNELS } from './notification-types';
import { NotificationsRepository } from './notifications.repository';
import { WebhookGuard } from './webhook-guard';

const MAX_ENDPOINTS_PER_OWNER = 10;
const EMAIL = /^[^\s@]{1,64}@[^\s@]+\.[^\s@]{2,}$/;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function notificationView(n: Notification): NotificationView {
  return {
    id: n.id,
    kind: n.kind,
    alertId: n.alertId,
    alertType: n.alertType,
    severity: n.severity,
    level: n.level,
    title: n.title,
    body: n.body,
    createdAt: n.createdAt.toISOString(),
    readAt: iso(n.readAt),
  };
}

function ruleView(r: NotificationRule): NotificationRuleView {
  return {
    id: r.id,
    alertType: r.alertType,
    severity: r.severity,
    levels: r.levels,
    escalateAfterMin: r.escalateAfterMin,
    quietStartMin: r.quietStartMin,
    quietEndMin: r.quietEndMin,
    updatedAt: r.updatedAt.toISOString(),
  };
}

function deliveryView(d: NotificationDelivery): DeliveryView {
  return {
    id: d.id,
    kind: d.kind,
    alertId: d.alertId,
    level: d.level,
    channel: d.channel,
    recipient: d.recipientMasked,
    title: d.title,
    status: d.status,
    attempts: d.attempts,
    lastFailure: d.lastFailure,
    lastProviderCode: d.lastProviderCode,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
    sentAt: iso(d.sentAt),
    failedAt: iso(d.failedAt),
  };
}

function endpointView(e: NotificationEndpoint): EndpointView {
  return {
    id: e.id,
    scope: e.ownerKind,
    channel: e.channel,
    target: e.targetMasked,
    signed: e.secretEnc !== null,
    createdAt: e.createdAt.toISOString(),
  };
}

/** The bell, the routing rules, the delivery log and where each user, enterprise and region is told. */
@Injectable()
export class NotificationsService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo: NotificationsRepository,
    private readonly router: NotificationRouter,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly cipher: FieldCipher,
    private readonly guard: WebhookGuard,
  ) {}

  // the bell: a user's own notifications (read receipts are the user's own, like alert "seen": not audited)

  async list(actor: Actor, q: ListNotificationsQueryDto): Promise<Paginated<NotificationView>> {
    if (!actor.userId) return paginate([], 0, q);
    const [rows, total] = await this.repo.listForUser(actor.userId, q.unread === true, offsetOf(q), q.pageSize);
    return paginate(rows.map(notificationView), total, q);
  }

  async unread(actor: Actor): Promise<UnreadCountView> {
    return { unread: actor.userId ? await this.repo.unreadCount(actor.userId) : 0 };
  }

  async markRead(actor: Actor, id: string): Promise<UnreadCountView> {
    if (!actor.userId || !(await this.repo.markRead(actor.userId, id, this.clock.now())))
      throw DomainError.notFound('Notification');
    return this.unread(actor);
  }

  async markAllRead(actor: Actor): Promise<UnreadCountView> {
    if (actor.userId) await this.repo.markAllRead(actor.userId, this.clock.now());
    return this.unread(actor);
  }

  // routing rules: read by platform admins and regulators, changed by platform admins (guarded in the controller)

  async rules(): Promise<NotificationRuleView[]> {
    return (await this.repo.listRules()).map(ruleView);
  }

  async updateRule(actor: Actor, id: string, dto: UpdateNotificationRuleDto): Promise<NotificationRuleView> {
    const quietStart = dto.quietStartMin ?? null;
    const quietEnd = dto.quietEndMin ?? null;
    if ((quietStart === null) !== (quietEnd === null))
      throw DomainError.invalid('quietEndMin', 'quietHoursIncomplete', 'quiet hours need a start and an end');
    if (quietStart !== null && quietStart === quietEnd)
      throw DomainError.invalid('quietEndMin', 'quietHoursEmpty', 'quiet hours must not start and end together');
    const saved = await this.ds.transaction(async (tx) => {
      const rule = await this.repo.findRule(id, tx);
      if (!rule) throw DomainError.notFound('NotificationRule');
      if (rule.severity === 'critical' && quietStart !== null)
        throw DomainError.invalid('quietStartMin', 'quietHoursNotForCritical', 'critical alerts have no quiet hours');
      const before = ruleView(rule);
      Object.assign(rule, {
        levels: dto.levels,
        escalateAfterMin: dto.escalateAfterMin ?? null,
        quietStartMin: quietStart,
        quietEndMin: quietEnd,
        updatedBy: actor.userId,
        updatedAt: this.clock.now(),
      });
      await this.repo.saveRule(tx, rule);
      const after = ruleView(rule);
      await this.audit.record(tx, actor, {
        action: 'notification_rule.update',
        entityType: 'notification_rule',
        entityId: rule.id,
        enterpriseId: null,
        regionPath: null,
        before: { ...before },
        after: { ...after },
      });
      return after;
    });
    this.router.invalidateRules();
    return saved;
  }

  // the delivery log: platform admins see all, regulators their region's

  async deliveries(actor: Actor, q: ListDeliveriesQueryDto): Promise<Paginated<DeliveryView>> {
    let regionPath: string | undefined;
    if (actor.role === Role.Regulator) {
      if (!actor.regionPath) throw new DomainError(ErrorCode.FORBIDDEN, 'no region');
      regionPath = actor.regionPath;
    } else if (actor.role !== Role.PlatformAdmin) throw new DomainError(ErrorCode.FORBIDDEN, 'forbidden');
    const [rows, total] = await this.repo.listDeliveries(
      { status: q.status, channel: q.channel, alertId: q.alertId, regionPath },
      offsetOf(q),
      q.pageSize,
    );
    return paginate(rows.map(deliveryView), total, q);
  }

  // endpoints

  /** The owners whose endpoints this actor manages: always their own; an enterprise admin's enterprise; a regulator's region. */
  private ownersOf(actor: Actor): { kind: EndpointOwner; id: string }[] {
    const out: { kind: EndpointOwner; id: string }[] = [];
    if (actor.userId) out.push({ kind: 'user', id: actor.userId });
    if (actor.role === Role.EnterpriseAdmin && actor.enterpriseId)
      out.push({ kind: 'enterprise', id: actor.enterpriseId });
    if (actor.role === Role.Regulator && actor.regionCode) out.push({ kind: 'region', id: actor.regionCode });
    return out;
  }

  async endpoints(actor: Actor): Promise<EndpointView[]> {
    return (await this.repo.endpointsOf(this.ownersOf(actor))).map(endpointView);
  }

  async createEndpoint(actor: Actor, dto: CreateEndpointDto): Promise<EndpointView> {
    const owner = this.ownersOf(actor).find((o) => o.kind === dto.scope);
    if (!owner) throw new DomainError(ErrorCode.FORBIDDEN, 'This role may not set endpoints of this scope');
    const robot = (ROBOT_CHANNELS as readonly string[]).includes(dto.channel);
    if (dto.scope === 'user' && !(PERSONAL_CHANNELS as readonly string[]).includes(dto.channel))
      throw DomainError.invalid(
        'channel',
        'channelNotPersonal',
        'a person is told by SMS or e-mail; robots belong to an enterprise or a region',
      );
    if (dto.scope !== 'user' && !robot)
      throw DomainError.invalid('channel', 'channelNotRobot', 'an enterprise or region sets group robots');
    const target = dto.target.trim();
    if (dto.channel === 'sms' && !isValidMobile(target))
      throw DomainError.invalid('target', 'mobileInvalid', 'not a mainland mobile number');
    if (dto.channel === 'email' && !EMAIL.test(target))
      throw DomainError.invalid('target', 'emailInvalid', 'not an e-mail address');
    if (robot) {
      const problem = await this.guard.problemOf(target);
      if (problem) throw DomainError.invalid('target', problem, 'this webhook URL is not allowed');
    }
    if (dto.secret !== undefined && dto.channel !== 'dingtalk' && dto.channel !== 'feishu')
      throw DomainError.invalid('secret', 'secretNotSupported', 'only DingTalk and Feishu robots sign');
    if ((await this.repo.countEndpoints(owner.kind, owner.id)) >= MAX_ENDPOINTS_PER_OWNER)
      throw DomainError.invalid('target', 'tooManyEndpoints', `at most ${MAX_ENDPOINTS_PER_OWNER}`);
    const saved = await this.ds.transaction(async (tx) => {
      const e = await this.repo.insertEndpoint(tx, {
        ownerKind: owner.kind,
        ownerId: owner.id,
        channel: dto.channel,
        targetEnc: this.cipher.encrypt(target),
        secretEnc: dto.secret ? this.cipher.encrypt(dto.secret) : null,
        targetMasked: maskTarget(dto.channel, target),
        createdBy: actor.userId,
        createdAt: this.clock.now(),
      });
      await this.audit.record(tx, actor, {
        action: 'notification_endpoint.create',
        entityType: 'notification_endpoint',
        entityId: e.id,
        enterpriseId: owner.kind === 'enterprise' ? owner.id : (actor.enterpriseId ?? null),
        regionPath: actor.regionPath ?? null,
        before: null,
        after: { ...endpointView(e) },
      });
      return e;
    });
    this.router.invalidateEndpoints();
    return endpointView(saved);
  }

  async deleteEndpoint(actor: Actor, id: string): Promise<void> {
    const e = await this.repo.findEndpoint(id);
    if (!e || !this.ownersOf(actor).some((o) => o.kind === e.ownerKind && o.id === e.ownerId))
      throw DomainError.notFound('NotificationEndpoint');
    await this.ds.transaction(async (tx) => {
      await this.repo.deleteEndpoint(tx, e.id);
      await this.audit.record(tx, actor, {
        action: 'notification_endpoint.delete',
        entityType: 'notification_endpoint',
        entityId: e.id,
        enterpriseId: e.ownerKind === 'enterprise' ? e.ownerId : (actor.enterpriseId ?? null),
        regionPath: actor.regionPath ?? null,
        before: { ...endpointView(e) },
        after: null,
      });
    });
    this.router.invalidateEndpoints();
  }
}
