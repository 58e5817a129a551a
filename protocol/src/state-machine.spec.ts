import {
  DEVICE_STATES,
  FAIL_CLOSED_TRIGGERS,
  INITIAL_STATE,
  nextState,
  relayClosedIn,
  TRANSITIONS,
  TRIGGERS,
} from './state-machine';

describe('device state machine', () => {
  it('starts locked with the relay open', () => {
    expect(INITIAL_STATE).toBe('locked');
    expect(relayClosedIn(INITIAL_STATE)).toBe(false);
  });

  it('closes the relay only in armed and arcing', () => {
    expect(DEVICE_STATES.filter(relayClosedIn)).toEqual(['armed', 'arcing']);
  });

  it('runs the normal cycle', () => {
    const steps = ['arm_requested', 'grant_verified', 'arc_detected', 'arc_ended', 'session_ended'] as const;
    let state = INITIAL_STATE;
    const seen: string[] = [];
    for (const t of steps) {
      state = nextState(state, t, { offline: false }).state;
      seen.push(state);
    }
    expect(seen).toEqual(['authorizing', 'armed', 'arcing', 'armed', 'locked']);
  });

  it('reaches a closed relay only through a verified grant while authorizing', () => {
    for (const from of DEVICE_STATES.filter((s) => !relayClosedIn(s))) {
      for (const trigger of TRIGGERS) {
        for (const offline of [false, true]) {
          const r = nextState(from, trigger, { offline });
          if (r.relayClosed) expect({ from, trigger }).toEqual({ from: 'authorizing', trigger: 'grant_verified' });
        }
      }
    }
  });

  it('opens the relay for every fail-closed trigger from every state', () => {
    for (const from of DEVICE_STATES) {
      for (const trigger of FAIL_CLOSED_TRIGGERS) {
        expect({ from, trigger, closed: nextState(from, trigger, { offline: false }).relayClosed }).toEqual({
          from,
          trigger,
          closed: false,
        });
        expect(nextState(from, trigger, { offline: true }).relayClosed).toBe(false);
      }
    }
  });

  it('goes to fault on gas over the limit and to tamper on a bypass', () => {
    expect(nextState('arcing', 'gas_over_limit', { offline: false }).state).toBe('fault');
    expect(nextState('locked', 'current_without_relay', { offline: false }).state).toBe('tamper');
    expect(nextState('arcing', 'tamper_detected', { offline: true }).state).toBe('tamper');
    expect(nextState('fault', 'fault_cleared', { offline: false }).state).toBe('locked');
    expect(nextState('tamper', 'tamper_cleared', { offline: false }).state).toBe('locked');
  });

  it('keeps a valid grant while offline but allows no new request', () => {
    expect(nextState('armed', 'connection_lost', { offline: true })).toMatchObject({
      state: 'armed',
      applied: false,
      relayClosed: true,
    });
    expect(nextState('arcing', 'connection_lost', { offline: true }).state).toBe('arcing');
    expect(nextState('authorizing', 'connection_lost', { offline: true }).state).toBe('locked');
    expect(nextState('locked', 'arm_requested', { offline: true })).toMatchObject({ state: 'locked', applied: false });
    expect(nextState('armed', 'grant_expired', { offline: true }).state).toBe('locked');
  });

  it('ends an attempt on a rejected grant, a denial or a timeout', () => {
    for (const t of ['grant_rejected', 'arm_denied', 'arm_timeout'] as const)
      expect(nextState('authorizing', t, { offline: false }).state).toBe('locked');
  });

  it('ignores a grant outside authorizing', () => {
    for (const s of ['locked', 'armed', 'arcing', 'fault', 'tamper'] as const)
      expect(nextState(s, 'grant_verified', { offline: false })).toMatchObject({ state: s, applied: false });
  });

  it('leaves fault and tamper only through their clearing trigger (or the process ending)', () => {
    const other = [
      'watchdog_timeout',
      'internal_error',
      'tamper_detected',
      'current_without_relay',
      'board_lost',
      'agent_stopped',
    ];
    for (const s of ['fault', 'tamper'] as const) {
      const exits = TRANSITIONS.filter((t) => t.from.includes(s) && t.to !== s && !other.includes(t.trigger));
      expect(exits.map((t) => t.trigger)).toEqual(
        s === 'fault' ? ['fault_cleared', 'board_recovered'] : ['tamper_cleared'],
      );
    }
  });

  it('opens the relay on a graceful stop or a lost board, and recovers a board fault into locked', () => {
    for (const from of DEVICE_STATES) {
      expect(nextState(from, 'agent_stopped', { offline: true })).toMatchObject({
        state: 'locked',
        relayClosed: false,
        applied: true,
      });
      expect(nextState(from, 'board_lost', { offline: false })).toMatchObject({
        state: 'fault',
        relayClosed: false,
        applied: true,
      });
    }
    expect(nextState('fault', 'board_recovered', { offline: true })).toMatchObject({ state: 'locked', applied: true });
    for (const s of ['locked', 'armed', 'arcing', 'tamper'] as const)
      expect(nextState(s, 'board_recovered', { offline: false })).toMatchObject({ state: s, applied: false });
  });

  it('journals a crash restart only from locked, never closing the relay', () => {
    expect(nextState('locked', 'agent_restarted', { offline: true })).toMatchObject({
      state: 'locked',
      relayClosed: false,
      applied: true,
    });
    for (const s of ['authorizing', 'armed', 'arcing', 'fault', 'tamper'] as const)
      expect(nextState(s, 'agent_restarted', { offline: false }).applied).toBe(false);
  });

  it('has a reason for every row and only known states and triggers', () => {
    for (const row of TRANSITIONS) {
      expect(row.why.length).toBeGreaterThan(10);
      expect(DEVICE_STATES).toContain(row.to);
      expect(TRIGGERS).toContain(row.trigger);
    }
    for (const t of TRIGGERS) expect(TRANSITIONS.some((row) => row.trigger === t)).toBe(true);
  });
});
