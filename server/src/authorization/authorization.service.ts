import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import {
  ARM_ANSWER_CACHE_MS,
  GAS_READING_INTERVAL_S,
  Position,
  ReasonCode,
  REASONS,
  reasonMessage,
} from '@arcgate/protocol';
import { CodesService } from '../codes/codes.service';
import { CodeStatus, CodeSubjectType } from '../codes/identity-code.entity';
import { faultPoint } from '../common/fault/fault-points';
import { maskName } from '../common/validation/identifiers';
import { isUuid } from '../common/validation/uuid';
import { EnterpriseStatus } from '../enterprises/enterprise.entity';
import { MachineStatus } from '../machines/machine.entity';
import { PermitDecisionCode } from '../permits/permit-decision';
import { PermitsService } from '../permits/permits.service';
import { decideCertificateCheck, isWelderActive } from '../welders/certificate-registry';
import type { PhonePosition } from './arm-session.entity';
import {
  AuthorizationContext,
  AuthorizationRepository,
  ContextMachine,
  GrantTakeUp,
  NewGrant,
  WorkContext,
} from './authorization.repository';
import { Decision, DecideInput } from './decision';
import {
  CERTIFICATE_REASON,
  certificateCoverEnds,
  grantExpiry,
  PERMIT_REASON,
  positionIsStale,
  requestIsFresh,
  requiredSubOperation,
} from './decision-rules';
import { GrantsRepository } from './grants.repository';

/** What a finished evaluation knows; becomes the stored decision. */
interface Outcome {
  reason: ReasonCode;
  machine: ContextMachine | null;
  welderId: string | null;
  welderName: string | null;
  permitId: string | null;
  grant: NewGrant | null;
  takeUp: GrantTakeUp | null;
}

class Deny {
  constructor(readonly reason: ReasonCode) {}
}

/**
 * A claim without a stored decision older than this, not being decided by this process, is taken as
 * lost with a crash. Below the device's ARM_REQUEST_TIMEOUT_MS (3 s), so that its first retry gets an
 * answer; far above any decision's time (p99 ~10 ms, BENCHMARKS.md). Should another replica's
 * decision be that slow after all, grants_one_per_request keeps the request to one grant.
 */
export const CLAIM_IN_FLIGHT_MAX_MS = 2_500;

/** Special-level hot work: the device's gas sensor must have reported a reading below the limit this recently. */
const GAS_MONITOR_FRESH_MS = 3 * GAS_READING_INTERVAL_S * 1000;

/**
 * The one place that decides whether an arc may start (checks in CHECK_ORDER, decision-rules.ts).
 * Fails closed: any error is a SERVER_ERROR denial. Every decision is stored, with its grant.
 */
@Injectable()
export class AuthorizationService {
  private readonly logger = new Logger('Authorization');
  /** Decision ids this process is deciding now: a retry of one of these waits for its answer. */
  private readonly deciding = new Set<string>();

  constructor(
    private readonly repo: AuthorizationRepository,
    private readonly grants: GrantsRepository,
    private readonly codes: CodesService,
    private readonly permits: PermitsService,
  ) {}

  async decide(input: DecideInput): Promise<Decision> {
    const started = performance.now();
    const id = randomUUID();
    this.deciding.add(id);
    try {
      return await this.decideAs(id, input, started);
    } finally {
      this.deciding.delete(id);
    }
  }

  private async decideAs(id: string, input: DecideInput, started: number): Promise<Decision> {
    const outcome: Outcome = {
      reason: ReasonCode.SERVER_ERROR,
      machine: null,
      welderId: null,
      welderName: null,
      permitId: input.permitId ?? null,
      grant: null,
      takeUp: null,
    };
    try {
      const replay = await this.evaluate(input, id, outcome);
      if (replay) return replay;
    } catch (e) {
      if (!(e instanceof Deny))
        this.logger.error(
          `decision failed closed for chip ${input.chipId ?? '-'}: ${e instanceof Error ? e.message : String(e)}`,
        );
      Object.assign(outcome, {
        reason: e instanceof Deny ? e.reason : ReasonCode.SERVER_ERROR,
        grant: null,
        takeUp: null,
      });
    }
    return this.store(input, id, outcome, started);
  }

  /** Runs the checks; fills `out`. Returns a Decision only for a repeated request. */
  private async evaluate(input: DecideInput, id: string, out: Outcome): Promise<Decision | null> {
    const { at } = input;
    const device = input.source === 'device';
    const cred = input.credential;
    const fresh = !device || requestIsFresh(input.requestTs, at);

    // The code's signature is checked without the database: a forged code is never looked up.
    let code: string | null = null;
    let codeInvalid = false;
    if (cred.kind === 'welder_code') {
      const check = this.codes.signer.check(cred.code);
      if (check.ok && check.subjectType === CodeSubjectType.Welder) code = cred.code.trim().toUpperCase();
      else codeInvalid = true;
    }

    const ctx = await this.repo.loadContext({
      chipId: input.chipId,
      machineId: input.machineId,
      code,
      sessionId: cred.kind === 'phone_session' ? cred.sessionId : null,
      welderId: cred.kind === 'welder_account' ? cred.welderId : null,
      claim:
        device && fresh && input.chipId ? { nonce: input.nonce, requestId: input.requestId, decisionId: id, at } : null,
    });
    if (ctx.nonceClaimed && device && fresh) faultPoint('decision.after-claim');
    // A decision belongs to a machine only when the chip really is that machine's (or the phone scanned its genuine code).
    out.machine = ctx.machine && (!device || ctx.machine.chipId === input.chipId) ? ctx.machine : null;
    if (ctx.welder) {
      out.welderId = ctx.welder.id;
      out.welderName = maskName(ctx.welder.realName);
    }

    // 1-2. request freshness and replay
    if (!fresh) throw new Deny(ReasonCode.REQUEST_EXPIRED);
    let takenOver = false;
    if (!ctx.nonceClaimed) {
      const prior = ctx.priorNonce;
      if (!prior || prior.requestId !== input.requestId || at.getTime() - prior.seenAt.getTime() > ARM_ANSWER_CACHE_MS)
        throw new Deny(ReasonCode.NONCE_REUSED);
      const earlier = await this.earlierAnswer(prior, input, id);
      // Null: the claim had no decision and this retry took it over; it is decided afresh below.
      if (earlier) return earlier;
      takenOver = true;
    }
    // 3-5. chip, machine, enterprise
    const machine = this.checkMachine(input, ctx);
    // 6. credential
    const session = this.checkCredential(input, ctx, codeInvalid, takenOver);
    const welder = ctx.welder;
    if (!welder || !isWelderActive(welder.status)) throw new Deny(ReasonCode.WELDER_UNKNOWN);
    out.permitId = session?.permitId ?? input.permitId ?? null;

    // 7-10: one more statement reads everything left (certificates, permit, blackout); judged in CHECK_ORDER.
    const position = this.usablePosition(input);
    const given = out.permitId;
    const work = await this.repo.loadWorkContext({
      permitId: given,
      findPermit: !given,
      welderId: welder.id,
      machineId: machine.id,
      at,
      regionPath: machine.regionPath,
      chipId: machine.chipId,
      gasSince: new Date(at.getTime() - GAS_MONITOR_FRESH_MS),
    });
    const certificates = work.permit.certificates;
    const anyCert = decideCertificateCheck(welder.status, certificates, at);
    const fitCert = decideCertificateCheck(welder.status, certificates, at, {
      subOperation: requiredSubOperation(machine.kind),
    });

    if (!anyCert.valid) throw new Deny(CERTIFICATE_REASON[anyCert.reason]);
    if (!fitCert.valid) throw new Deny(ReasonCode.CERTIFICATE_WRONG_CATEGORY);
    const permit = this.evaluatePermit(given, work, welder.id, machine, input, position.position);
    out.permitId = permit.permitId;
    if (permit.reason === ReasonCode.POSITION_REQUIRED && position.stale) throw new Deny(ReasonCode.POSITION_STALE);
    if (permit.reason !== ReasonCode.OK) throw new Deny(permit.reason);
    if (!permit.validUntil) throw new Deny(ReasonCode.SERVER_ERROR);
    if (work.blackout) throw new Deny(ReasonCode.BLACKOUT_IN_FORCE);

    const expiresAt = grantExpiry(
      at,
      permit.validUntil,
      certificateCoverEnds(fitCert.expiresOn, fitCert.reviewDueOn),
      session?.grantExpiresAt,
    );
    if (expiresAt.getTime() <= at.getTime()) throw new Deny(ReasonCode.PERMIT_EXPIRED);
    if (session) {
      // Claimed only now, so that a denial (say, a bad fix) leaves the session for a retry.
      if (!(await this.repo.claimSession(session.id, input.requestId, at)))
        throw new Deny(ReasonCode.PHONE_SESSION_UNKNOWN);
      out.takeUp = {
        grantId: session.grantId,
        requestId: input.requestId,
        nonce: input.nonce,
        expiresAt,
        maxCurrentA: machine.ratedCurrentA,
      };
    } else {
      out.grant = {
        grantId: randomUUID(),
        source: input.source,
        chipId: machine.chipId!,
        machineId: machine.id,
        enterpriseId: machine.enterpriseId,
        regionPath: machine.regionPath,
        welderId: welder.id,
        permitId: permit.permitId!,
        certificateId: fitCert.certificateId ?? null,
        codeId: ctx.code?.id ?? null,
        requestId: device ? input.requestId : null,
        nonce: device ? input.nonce : null,
        issuedAt: at,
        expiresAt,
        maxCurrentA: machine.ratedCurrentA,
      };
    }
    out.reason = ReasonCode.OK;
    return null;
  }

  private checkMachine(input: DecideInput, ctx: AuthorizationContext): ContextMachine {
    const m = ctx.machine;
    if (input.source === 'device' && !ctx.chipKnown) throw new Deny(ReasonCode.CHIP_UNKNOWN);
    if (!m || !input.chipId || m.chipId !== input.chipId) throw new Deny(ReasonCode.CHIP_NOT_BOUND);
    if (m.status === MachineStatus.Retired) throw new Deny(ReasonCode.MACHINE_RETIRED);
    if (m.status === MachineStatus.Suspended) throw new Deny(ReasonCode.MACHINE_SUSPENDED);
    if (m.status !== MachineStatus.Active) throw new Deny(ReasonCode.MACHINE_NOT_ACTIVE);
    if (input.machineKind && input.machineKind !== m.kind) throw new Deny(ReasonCode.MACHINE_KIND_MISMATCH);
    if (m.enterpriseStatus !== EnterpriseStatus.Active) throw new Deny(ReasonCode.ENTERPRISE_INACTIVE);
    return m;
  }

  /** The phone session a device request refers to, if any, once it has passed its checks. */
  private checkCredential(
    input: DecideInput,
    ctx: AuthorizationContext,
    codeInvalid: boolean,
    takenOver: boolean,
  ): AuthorizationContext['session'] {
    const cred = input.credential;
    if (cred.kind === 'welder_code') {
      if (codeInvalid) throw new Deny(ReasonCode.WELDER_CODE_INVALID);
      if (!ctx.code || ctx.code.subjectType !== CodeSubjectType.Welder) throw new Deny(ReasonCode.WELDER_UNKNOWN);
      if (ctx.code.status !== CodeStatus.Active) throw new Deny(ReasonCode.WELDER_CODE_REVOKED);
      return null;
    }
    if (cred.kind === 'welder_account') return null;
    const s = ctx.session;
    // Used already, unless by this very request whose claim this retry took over after a crash (no decision was stored for it).
    const usedByLostAttempt = takenOver && s?.usedRequestId === input.requestId;
    if (!isUuid(cred.sessionId) || !s || s.chipId !== input.chipId || !s.pushedAt || (s.usedAt && !usedByLostAttempt))
      throw new Deny(ReasonCode.PHONE_SESSION_UNKNOWN);
    const now = input.at.getTime();
    if (s.grantRevokedAt || (s.confirmBy && s.confirmBy.getTime() <= now) || s.grantExpiresAt.getTime() <= now)
      throw new Deny(ReasonCode.PHONE_SESSION_EXPIRED);
    return s;
  }

  /** A device fix older than allowed is not used for the geofence (the permit check then asks for one). */
  private usablePosition(input: DecideInput): { position: (Position | PhonePosition) | undefined; stale: boolean } {
    const p = input.position;
    if (!p) return { position: undefined, stale: false };
    if ('fixAt' in p && positionIsStale(p, input.requestTs ?? input.at)) return { position: undefined, stale: true };
    return { position: p, stale: false };
  }

  private evaluatePermit(
    given: string | null,
    work: WorkContext,
    welderId: string,
    machine: ContextMachine,
    input: DecideInput,
    position: Position | PhonePosition | undefined,
  ): { reason: ReasonCode; permitId: string | null; validUntil?: Date } {
    const permitId = given || work.namingPermitId;
    if (!permitId) return { reason: ReasonCode.PERMIT_REQUIRED, permitId: null };
    const ask = (continuousGasOk?: boolean) =>
      this.permits.evaluateLoaded(
        {
          permitId,
          welderId,
          machineId: machine.id,
          at: input.at,
          continuousGasOk,
          position: position ? { lat: position.lat, lng: position.lng, accuracyM: position.accuracyM } : undefined,
        },
        work.permit,
      );
    let verdict = ask();
    if (verdict.reason === PermitDecisionCode.CONTINUOUS_GAS_MONITORING_REQUIRED && machine.chipId) {
      const reading = work.gasReading;
      if (reading && reading.percentLel < reading.limitPercentLel) verdict = ask(true);
    }
    return {
      reason: PERMIT_REASON[verdict.reason] ?? ReasonCode.SERVER_ERROR,
      permitId,
      validUntil: verdict.permit?.validUntil,
    };
  }

  private async store(input: DecideInput, id: string, o: Outcome, started: number): Promise<Decision> {
    const m = o.machine;
    const grantTerms = o.grant ?? (o.takeUp ? { ...o.takeUp, issuedAt: input.at } : null);
    const decision: Decision = {
      id,
      at: input.at,
      source: input.source,
      allowed: o.reason === ReasonCode.OK,
      reason: o.reason,
      message: reasonMessage(o.reason),
      chipId: input.chipId,
      machineId: m?.id ?? null,
      enterpriseId: m?.enterpriseId ?? null,
      regionPath: m?.regionPath ?? null,
      welderId: o.welderId,
      welderName: o.welderName,
      permitId: isUuid(o.permitId) ? o.permitId : null,
      grant: grantTerms
        ? {
            grantId: grantTerms.grantId,
            requestId: grantTerms.requestId,
            nonce: grantTerms.nonce,
            issuedAt: grantTerms.issuedAt,
            expiresAt: grantTerms.expiresAt,
            maxCurrentA: grantTerms.maxCurrentA,
          }
        : null,
      latencyMs: performance.now() - started,
    };
    const row = {
      id,
      at: input.at,
      source: input.source,
      chipId: input.chipId,
      machineId: decision.machineId,
      enterpriseId: decision.enterpriseId,
      regionPath: decision.regionPath,
      welderId: decision.welderId,
      permitId: decision.permitId,
      requestId: input.requestId.slice(0, 64),
      nonce: input.nonce.slice(0, 128),
      position: input.position ?? null,
      latencyMs: decision.latencyMs,
    };
    try {
      await this.repo.storeDecision(
        { ...row, allowed: decision.allowed, reason: decision.reason, grantId: decision.grant?.grantId ?? null },
        o.grant,
        o.takeUp,
      );
      return decision;
    } catch (e) {
      // A grant that could not be stored is not given: fail closed, and try to record the failure itself.
      this.logger.error(`storing decision ${id} failed: ${e instanceof Error ? e.message : String(e)}`);
      const failed: Decision = {
        ...decision,
        allowed: false,
        reason: ReasonCode.SERVER_ERROR,
        message: reasonMessage(ReasonCode.SERVER_ERROR),
        grant: null,
      };
      if (decision.allowed) {
        await this.repo
          .storeDecision(
            { ...row, id: randomUUID(), allowed: false, reason: ReasonCode.SERVER_ERROR, grantId: null },
            null,
            null,
          )
          .catch(() => undefined);
      }
      return failed;
    }
  }

  /**
   * The answer already given to this very request (a device retry): same grant or same denial. When
   * the claim has no stored decision, the first attempt is either still being decided (stay silent:
   * its answer is coming) or was lost with a crash (recovery marked the claim orphaned, or it is older
   * than any decision takes and not being decided here): then this retry takes the claim over and
   * null says "decide afresh".
   */
  private async earlierAnswer(
    prior: NonNullable<AuthorizationContext['priorNonce']>,
    input: DecideInput,
    id: string,
  ): Promise<Decision | null> {
    const decisionId = prior.decisionId;
    const base: Decision = {
      id: decisionId,
      at: input.at,
      source: input.source,
      allowed: false,
      reason: ReasonCode.SERVER_ERROR,
      message: reasonMessage(ReasonCode.SERVER_ERROR),
      chipId: input.chipId,
      machineId: input.machineId,
      enterpriseId: null,
      regionPath: null,
      welderId: null,
      welderName: null,
      permitId: null,
      grant: null,
      latencyMs: 0,
    };
    const stored = await this.repo.findDecision(decisionId);
    if (!stored) {
      const lost =
        !this.deciding.has(decisionId) &&
        (prior.orphanedAt !== null || input.at.getTime() - prior.seenAt.getTime() > CLAIM_IN_FLIGHT_MAX_MS);
      if (
        lost &&
        input.chipId &&
        (await this.repo.takeOverClaim({
          chipId: input.chipId,
          nonce: input.nonce,
          requestId: input.requestId,
          fromDecisionId: decisionId,
          toDecisionId: id,
          at: input.at,
        }))
      ) {
        this.logger.warn(
          `arm request ${input.requestId} of ${input.chipId}: its claim had no decision (lost with a crash); deciding the retry afresh`,
        );
        return null;
      }
      return { ...base, replay: 'in_flight' };
    }
    const grant = stored.grantId ? await this.grants.findById(stored.grantId) : null;
    if (stored.allowed && grant && !grant.revokedAt && grant.requestId === input.requestId) {
      const welderName = await this.grants.maskedWelderName(grant.welderId);
      return {
        ...base,
        allowed: true,
        reason: ReasonCode.OK,
        message: reasonMessage(ReasonCode.OK),
        machineId: grant.machineId,
        enterpriseId: grant.enterpriseId,
        regionPath: grant.regionPath,
        welderId: grant.welderId,
        welderName,
        permitId: grant.permitId,
        replay: 'repeat',
        grant: {
          grantId: grant.grantId,
          requestId: grant.requestId,
          nonce: grant.nonce,
          issuedAt: grant.deliveredAt ?? grant.issuedAt,
          expiresAt: grant.expiresAt,
          maxCurrentA: grant.maxCurrentA,
        },
      };
    }
    // A grant revoked since: the retry learns why, if arm.denied may carry that reason.
    const revokedFor =
      grant?.revokeReason && REASONS[grant.revokeReason].use !== 'revoke'
        ? grant.revokeReason
        : ReasonCode.SERVER_ERROR;
    const reason = stored.allowed ? revokedFor : stored.reason;
    return { ...base, reason, message: reasonMessage(reason), machineId: stored.machineId, replay: 'repeat' };
  }
}
