import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  ArmDeniedBody,
  armDeniedBody,
  ArmGrantBody,
  ArmRequestBody,
  DEFAULT_GAS_LIMIT_PERCENT_LEL,
} from '@arcgate/protocol';
import { Clock } from '../common/clock/clock';
import { faultPoint } from '../common/fault/fault-points';
import { ArmRequestHandler, DEVICE_OUTBOX, DeviceOutbox, VerifiedDeviceMessage } from '../device-core/device-ports';
import { AuthorizationService } from './authorization.service';
import { Decision } from './decision';
import { DecisionAlerts } from './decision-alerts';
import { GrantsRepository } from './grants.repository';

/** Builds the signed-to-be grant body; the outbox signs it with the server key. */
export function grantBody(d: Decision): ArmGrantBody {
  const g = d.grant!;
  const body: ArmGrantBody = {
    grantId: g.grantId,
    requestId: g.requestId!,
    chip: d.chipId!,
    machineId: d.machineId!,
    welderId: d.welderId!,
    permitId: d.permitId!,
    nonce: g.nonce!,
    issuedAt: g.issuedAt.toISOString(),
    notBefore: g.issuedAt.toISOString(),
    expiresAt: g.expiresAt.toISOString(),
    gasLimitPercentLel: DEFAULT_GAS_LIMIT_PERCENT_LEL,
  };
  if (d.welderName) body.welderName = d.welderName;
  if (g.maxCurrentA !== null) body.maxCurrentA = g.maxCurrentA;
  return body;
}

/** The device gateway hands over verified arm requests (ARM_REQUEST_HANDLER); this decides and answers arm.grant / arm.denied through the outbox. */
@Injectable()
export class ArmRequestAnswerer implements ArmRequestHandler {
  private readonly logger = new Logger('ArmRequest');

  constructor(
    private readonly authorization: AuthorizationService,
    private readonly grants: GrantsRepository,
    private readonly alerts: DecisionAlerts,
    private readonly clock: Clock,
    @Inject(DEVICE_OUTBOX) private readonly outbox: DeviceOutbox,
  ) {}

  async handleArmRequest(msg: VerifiedDeviceMessage<ArmRequestBody>): Promise<void> {
    const env = msg.envelope;
    const body = env.body;
    const decision = await this.authorization.decide({
      chipId: msg.chipId,
      machineId: msg.machineId,
      credential: body.credential,
      permitId: body.permitId ?? null,
      position: body.position,
      nonce: body.nonce,
      requestId: env.id,
      at: this.clock.now(),
      source: 'device',
      requestTs: new Date(env.ts),
      machineKind: body.machineKind,
    });
    if (decision.replay === 'in_flight') return;
    if (!decision.replay) faultPoint('decision.after-store');
    await this.answer(msg.chipId, env.id, decision);
    if (!decision.replay) await this.alerts.afterDecision(decision);
  }

  private async answer(chipId: string, requestId: string, decision: Decision): Promise<void> {
    if (decision.allowed && decision.grant) {
      const grantId = decision.grant.grantId;
      // Stored as delivered with the decision (no second write on the reply path); undone only if sending fails.
      await this.outbox.send<ArmGrantBody>(chipId, 'arm.grant', grantBody(decision)).catch(async (e: unknown) => {
        // A repeat whose first answer went out stays delivered.
        if (!decision.replay)
          await this.grants
            .markUndelivered(grantId)
            .catch((u: Error) => this.logger.warn(`markUndelivered: ${u.message}`));
        throw e;
      });
      return;
    }
    // The protocol's one arm.denied builder: its retry rule, and a revoke-only reason goes out as SERVER_ERROR.
    await this.outbox.send<ArmDeniedBody>(
      chipId,
      'arm.denied',
      armDeniedBody(requestId, decision.reason, { message: decision.message }),
    );
  }
}
