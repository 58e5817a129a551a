import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AlertSeverity, AlertType } from './alert-type';

/** What a subscriber learns of a newly raised alert (no evidence: it may hold masked personal data only for its readers). */
export interface RaisedAlert {
  id: string;
  type: AlertType;
  severity: AlertSeverity;
  enterpriseId: string | null;
  regionPath: string | null;
  firstSeenAt: Date;
}

/**
 * Runs inside the raising transaction, so a subscriber's record commits (or rolls back) with the alert.
 * It must be one cheap write (e.g. an enqueue): it runs on the path that answers devices.
 */
export type AlertRaisedHook = (em: EntityManager, alert: RaisedAlert) => Promise<void>;

/** A repeat of an open alert came with a higher severity than its type's default (e.g. a hazard become 重大). */
export type AlertSeverityHook = (em: EntityManager, alert: { id: string; severity: AlertSeverity }) => Promise<void>;

/**
 * Lets other modules (notifications) learn of each new alert in the raising transaction without
 * AlertsModule depending on them: they register a hook at start-up.
 */
@Injectable()
export class AlertHooks {
  private readonly raisedHooks: AlertRaisedHook[] = [];
  private readonly severityHooks: AlertSeverityHook[] = [];

  onRaised(hook: AlertRaisedHook): void {
    this.raisedHooks.push(hook);
  }

  onSeverityRaised(hook: AlertSeverityHook): void {
    this.severityHooks.push(hook);
  }

  async severityRaised(em: EntityManager, alert: { id: string; severity: AlertSeverity }): Promise<void> {
    for (const h of this.severityHooks) await h(em, alert);
  }

  async raised(em: EntityManager, alert: RaisedAlert): Promise<void> {
    for (const h of this.raisedHooks) await h(em, alert);
  }
}
