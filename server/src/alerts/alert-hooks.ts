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

/**
 * Lets other modules (notifications) learn of each new alert in the raising transaction without
 * AlertsModule depending on them: they register a hook at start-up.
 */
@Injectable()
export class AlertHooks {
  private readonly raisedHooks: AlertRaisedHook[] = [];

  onRaised(hook: AlertRaisedHook): void {
    this.raisedHooks.push(hook);
  }

  async raised(em: EntityManager, alert: RaisedAlert): Promise<void> {
    for (const h of this.raisedHooks) await h(em, alert);
  }
}
