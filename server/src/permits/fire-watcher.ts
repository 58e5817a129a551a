import { Inject, Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { isWelderActive } from '../welders/certificate-registry';
import { RosterWelder, WELDER_ROSTER, WelderRoster } from '../welders/welder-roster';
import { Permit } from './permit.entity';

const FIELD = 'fireWatcher.personId';

function invalid(code: string, message: string): DomainError {
  return new DomainError(ErrorCode.FIRE_WATCHER_INVALID, message, [{ field: FIELD, code, message }]);
}

/**
 * 监护人 (GB 30871-2022): a trained person other than the operator, present throughout. On the platform
 * that is a registered, active person of the enterprise with a phone to reach them, never one of
 * the permit's welders.
 */
@Injectable()
export class PermitFireWatcher {
  constructor(@Inject(WELDER_ROSTER) private readonly welders: WelderRoster) {}

  /** Names the watcher on the permit (copying name and phone as they are now), or refuses. */
  async assign(em: EntityManager, permit: Permit, personId: string, welderIds: string[]): Promise<void> {
    const w = await this.check(em, permit.enterpriseId, personId, welderIds);
    permit.fireWatcherWelderId = w.id;
    permit.fireWatcherName = w.realName;
    permit.fireWatcherPhoneEnc = w.phoneEnc;
    permit.fireWatcherPhoneMasked = w.phoneMasked;
  }

  /** At submission and final approval: the named watcher must still qualify (permits from before the rule must name one). */
  async assertQualified(em: EntityManager, permit: Permit, welderIds: string[]): Promise<void> {
    if (!permit.fireWatcherWelderId) {
      throw new DomainError(ErrorCode.PERMIT_INCOMPLETE, 'The permit is incomplete', [
        {
          field: 'fireWatcher',
          code: 'personRequired',
          message: "监护人 must be chosen from the enterprise's registered people (free text is no longer accepted)",
        },
      ]);
    }
    await this.check(em, permit.enterpriseId, permit.fireWatcherWelderId, welderIds);
  }

  private async check(
    em: EntityManager,
    enterpriseId: string,
    personId: string,
    welderIds: string[],
  ): Promise<RosterWelder> {
    if (welderIds.includes(personId))
      throw invalid('isWelder', 'The fire watcher must not be one of the welders of this permit');
    const [w] = await this.welders.findWelders([personId], em);
    if (!w || w.employerId !== enterpriseId)
      throw invalid('unknownPerson', 'The fire watcher must be a registered person of this enterprise');
    if (!isWelderActive(w.status)) throw invalid('inactive', 'The fire watcher is no longer active');
    if (!w.phoneEnc || !w.phoneMasked) throw invalid('noPhone', 'The fire watcher has no phone number on record');
    return w;
  }
}
