import { Injectable, OnModuleInit } from '@nestjs/common';
import { AlertHooks } from '../alerts/alert-hooks';
import { Clock } from '../common/clock/clock';
import { NotificationsRepository } from './notifications.repository';

/**
 * Subscribes notifications to new alerts: one INSERT in the raising transaction (so a rolled-back alert
 * is never told, and a committed one is never lost), due at once; and to a repeat that raised an alert's
 * severity: its track starts over under the higher severity's rule. Nothing else runs on the raising path.
 */
@Injectable()
export class NotificationEnqueuer implements OnModuleInit {
  constructor(
    private readonly hooks: AlertHooks,
    private readonly repo: NotificationsRepository,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.hooks.onRaised(async (em, a) => {
      const now = this.clock.now();
      await this.repo.enqueue(em, {
        alertId: a.id,
        alertType: a.type,
        severity: a.severity,
        enterpriseId: a.enterpriseId,
        regionPath: a.regionPath,
        raisedAt: now,
        nextAt: now,
      });
    });
    this.hooks.onSeverityRaised((em, a) => this.repo.reopenAtSeverity(em, a.id, a.severity, this.clock.now()));
  }
}
