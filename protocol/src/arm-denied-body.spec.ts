import { SERVER_RETRY_AFTER_S } from './constants';
import { buildExamples } from './examples';
import type { ArmDeniedBody, LocalizedText } from './messages';
import { armDeniedBody, REASON_CODES, ReasonCode, reasonMessage, REASONS } from './reason-codes';
import { validateMessageOfType } from './validate';

// docs/protocol.md §6.4, literally: the codes whose arm.denied carries retryAfterS.
const DOCUMENTED_WAIT_FOR_SERVER = new Set<ReasonCode>([
  ReasonCode.SERVER_ERROR,
  ReasonCode.REQUEST_EXPIRED,
  ReasonCode.RATE_LIMITED,
]);

// The two builders this one replaces, as they were (authorization's deniedBody, the gateway's deny), kept
// here so the wire output is pinned for every code.
const oldDecisionRule = (reason: ReasonCode, message: LocalizedText): ArmDeniedBody => {
  const d = ['revoke', 'renew'].includes(REASONS[reason].use)
    ? { reason: ReasonCode.SERVER_ERROR, message: REASONS[ReasonCode.SERVER_ERROR].message }
    : { reason, message };
  const body: ArmDeniedBody = { requestId: 'r', reason: d.reason, message: d.message };
  if ([ReasonCode.SERVER_ERROR, ReasonCode.RATE_LIMITED, ReasonCode.REQUEST_EXPIRED].includes(d.reason))
    body.retryAfterS = 5;
  return body;
};
const oldGatewayRule = (reason: ReasonCode, retryAfterS?: number): ArmDeniedBody => {
  const retry =
    retryAfterS !== undefined
      ? { retryAfterS }
      : reason === ReasonCode.SERVER_ERROR || reason === ReasonCode.REQUEST_EXPIRED
        ? { retryAfterS: 5 }
        : {};
  return { requestId: 'r', reason, message: reasonMessage(reason), ...retry };
};

describe('armDeniedBody, the one arm.denied builder', () => {
  const template = buildExamples().armDenied;

  it.each(REASON_CODES)(
    '%s: retryAfterS exactly when the code waits for the server (docs §6.4), and a valid arm.denied',
    (code) => {
      const body = armDeniedBody('r7Qm2xKpV9sLwE3nTbY8aA', code);
      const sent = ['revoke', 'renew'].includes(REASONS[code].use) ? ReasonCode.SERVER_ERROR : code;
      expect(body.reason).toBe(sent);
      expect(body.message).toEqual(reasonMessage(sent));
      expect(REASONS[sent].waitForServer).toBe(DOCUMENTED_WAIT_FOR_SERVER.has(sent));
      expect('retryAfterS' in body).toBe(REASONS[sent].waitForServer);
      if (REASONS[sent].waitForServer) expect(REASONS[sent].retryable).toBe(true);
      if (code !== ReasonCode.OK) expect(validateMessageOfType('arm.denied', { ...template, body })).toEqual([]);
    },
  );

  it.each(REASON_CODES)("%s: the same wire body as the decision's old builder", (code) => {
    const message = { 'zh-CN': '决定的消息', en: "The decision's message" };
    expect(armDeniedBody('r', code, { message })).toEqual(oldDecisionRule(code, message));
  });

  it.each(REASON_CODES.filter((c) => ['deny', 'both'].includes(REASONS[c].use) && c !== ReasonCode.RATE_LIMITED))(
    "%s: the same wire body as the gateway's old builder",
    (code) => {
      expect(armDeniedBody('r', code)).toEqual(oldGatewayRule(code));
    },
  );

  it("RATE_LIMITED carries the limiter's own wait, else the server default", () => {
    expect(armDeniedBody('r', ReasonCode.RATE_LIMITED, { retryAfterS: 3 })).toEqual(
      oldGatewayRule(ReasonCode.RATE_LIMITED, 3),
    );
    expect(armDeniedBody('r', ReasonCode.RATE_LIMITED).retryAfterS).toBe(SERVER_RETRY_AFTER_S);
  });

  it('never attaches a wait to a code that does not wait for the server', () => {
    expect(armDeniedBody('r', ReasonCode.POSITION_STALE, { retryAfterS: 3 })).not.toHaveProperty('retryAfterS');
    expect(
      armDeniedBody('r', ReasonCode.GRANT_EXPIRED, { retryAfterS: 3, message: { 'zh-CN': '其他', en: 'Other' } }),
    ).toEqual(oldDecisionRule(ReasonCode.GRANT_EXPIRED, reasonMessage(ReasonCode.GRANT_EXPIRED)));
  });
});
