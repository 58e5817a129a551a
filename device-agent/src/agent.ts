/**
 * Wires the pure state machine to the world: board, scanner, journal, link, sampler and timers.
 * The constructor does nothing; start() opens the relay first, then loads the chip key, recovers
 * the journal, journals `boot`, prints the chip id and status, and connects. Every input goes
 * through one queue into step(), and the commands it returns are executed in order.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  BOARD_REPORT_SILENCE_MS,
  BoardLinkCause,
  BootReason,
  DeviceState,
  DownMessage,
  newMessageId,
  newNonce,
  parseInstant,
  Position,
  publicKeyFromRaw,
} from '@arcgate/protocol';
import type { Board } from './board';
import type { Clock } from './clock';
import type { AgentConfig } from './config';
import { MessageCounter } from './counter';
import { EventSender } from './event-sender';
import { writeFileAtomicSync } from './fs-util';
import { Journal } from './journal';
import { ChipIdentity, loadOrCreateChipKey } from './keys';
import { ConnectFn, Link } from './link';
import type { Logger } from './logger';
import { GAS_FLOW_THRESHOLD_LPM } from './pin-map';
import { ArcSampler, SamplerOutput } from './sampler';
import { CertRenewer, chooseCertificate, DEFAULT_RENEW_BEFORE_S, DEFAULT_RENEW_FRACTION } from './cert-renewal';
import { TEXT } from './display-texts';
import {
  AgentModel,
  Command,
  defaultSettings,
  deviceFaults,
  FreshIds,
  initialModel,
  Input,
  LiveRecord,
  MachineOptions,
  Settings,
  step,
} from './state-machine';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
type AgentInput = DistributiveOmit<Input, 'now'>;

/** The parts of BadgeScanner the agent uses. */
export interface ScannerLike {
  start(): Promise<void>;
  stop(): Promise<void>;
  on(event: 'code', cb: (code: string) => void): unknown;
  on(event: 'unrecognised', cb: (line: string) => void): unknown;
  on(event: 'error', cb: (err: Error) => void): unknown;
}

export interface AgentDeps {
  config: AgentConfig;
  board: Board;
  scanner: ScannerLike | null;
  connect: ConnectFn;
  clock: Clock;
  log: Logger;
  random?: () => number;
  freshIds?: () => FreshIds;
  /** Monotonic ms for the watchdog (defaults to performance.now). */
  monotonic?: () => number;
  /** Main loop period: grant expiry, heartbeats and the watchdog are checked, and D5 kicked, this often. */
  tickMs?: number;
  /** A graceful stop waits this long at most for its last events to be acknowledged. */
  stopDeliveryMs?: number;
}

const RUN_MARKER = 'agent.running';
const SETTINGS_FILE = 'settings.json';
/** What a crash leaves behind for the next boot: relay, grant and open arc, rewritten on every change. */
const LIVE_FILE = 'live.json';
/** live.json's mtime is touched this often while the relay is closed: the last liveness mark. */
const LIVE_TOUCH_MS = 1_000;
const STOP_DELIVERY_MS = 2_000;

export class Agent {
  private model: AgentModel = initialModel();
  private machine: MachineOptions | null = null;
  private identityValue: ChipIdentity | null = null;
  private journalValue: Journal | null = null;
  private link: Link | null = null;
  private renewer: CertRenewer | null = null;
  private sender: EventSender | null = null;
  private sampler: ArcSampler | null = null;
  private timers: NodeJS.Timeout[] = [];
  private queue: AgentInput[] = [];
  private draining = false;
  private lastLoopAt = 0;
  private latest = { current: 0, voltage: 0 };
  private running = false;
  /** Monotonic ms of the last raw analog report (null: none since the link came up) and of the link coming up. */
  private lastReportAt: number | null = null;
  private linkUpAt = 0;
  private liveKey = '';
  private liveTouchedAt = 0;

  constructor(private readonly deps: AgentDeps) {}

  get chip(): string {
    return this.identity.chip;
  }

  get identity(): ChipIdentity {
    if (!this.identityValue) throw new Error('agent is not started');
    return this.identityValue;
  }

  get journal(): Journal {
    if (!this.journalValue) throw new Error('agent is not started');
    return this.journalValue;
  }

  get state(): DeviceState {
    return this.model.state;
  }

  get snapshot(): Readonly<AgentModel> {
    return this.model;
  }

  get online(): boolean {
    return this.link?.online ?? false;
  }

  async start(): Promise<void> {
    const { config, board, log, clock } = this.deps;
    // Fail closed before anything else: the board comes up with the relay driven open.
    await board.start();
    board.setRelay(false);

    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    const identity = loadOrCreateChipKey(join(config.dataDir, 'keys'));
    this.identityValue = identity;
    const marker = join(config.dataDir, RUN_MARKER);
    const bootReason: BootReason = existsSync(marker) ? 'crash' : 'power_on';
    const live = bootReason === 'crash' ? this.readLive() : null;
    writeFileSync(marker, `${process.pid}\n`, { mode: 0o600 });

    const journal = new Journal(join(config.dataDir, 'journal'));
    const recovery = journal.open();
    this.journalValue = journal;
    const counter = new MessageCounter(join(config.dataDir, 'message-seq.json'));
    counter.open();

    const settings = this.loadSettings();
    this.model = initialModel(settings);
    this.machine = {
      chip: identity.chip,
      serverPublicKey: config.serverPublicKey ? publicKeyFromRaw(config.serverPublicKey) : null,
      machineKind: config.machineKind,
      relayFeedback: config.relayFeedback ?? true,
    };
    const sampleRateHz = Math.max(settings.sampleRateHz, 10);
    this.sampler = new ArcSampler({ sampleRateHz, thresholdA: this.thresholdFor(settings) });

    // A certificate renewed earlier (DATA_DIR/tls) is used when it outlives the provisioned one.
    const tls = config.tls ? this.tlsMaterial(config.tls, identity) : null;
    const link = new Link({
      url: config.mqttUrl,
      topicRoot: config.topicRoot,
      identity,
      serverPublicKey: this.machine.serverPublicKey,
      machineKind: config.machineKind,
      firmware: config.firmware,
      clock,
      log,
      connect: this.deps.connect,
      tls: tls
        ? {
            ca: tls.ca,
            cert: tls.cert,
            // The chip's own Ed25519 key: the certificate was issued for it at binding (加芯).
            key: tls.keyFile
              ? readFileSync(tls.keyFile, 'utf8')
              : (identity.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string),
          }
        : undefined,
      nextSeq: () => counter.take(),
      state: () => this.model.state,
      random: this.deps.random,
      faults: () => deviceFaults(this.model),
    });
    this.link = link;
    // Renewal certifies the chip key: not for a link that uses another TLS key (MQTT_KEY_FILE).
    if (tls && !tls.keyFile)
      this.renewer = new CertRenewer({
        link,
        identity,
        caPem: tls.ca,
        certPem: tls.cert,
        dataDir: config.dataDir,
        clock,
        log,
        renewBeforeS: config.certRenewBeforeS ?? DEFAULT_RENEW_BEFORE_S,
        renewFraction: config.certRenewFraction ?? DEFAULT_RENEW_FRACTION,
        onRejected: (messageId) =>
          this.dispatch({ type: 'server_rejected', messageType: 'cert.issued', messageId, reason: 'malformed' }),
      });
    this.sender = new EventSender({
      journal,
      transport: link,
      log,
      record: (draft) => this.enqueueJournal(draft),
      now: () => clock.now(),
      random: this.deps.random,
      onJournalError: () => this.checkJournal(),
    });
    this.running = true;

    this.record({
      type: 'boot',
      at: new Date(clock.now()).toISOString(),
      reason: bootReason,
      firmware: config.firmware,
    });
    for (const range of recovery.lost)
      this.record({ type: 'journal.lost', at: new Date(clock.now()).toISOString(), ...range });
    // The crash left the relay closed (the watchdog has cut power since): journal the opening done above.
    if (live?.relayClosed) this.dispatch({ type: 'restarted', live });
    this.writeLive();
    log.info('arcgate agent started', {
      chip: identity.chip,
      publicKey: identity.publicKey,
      keyCreated: identity.created,
      state: this.model.state,
      relayClosed: false,
      machineKind: config.machineKind,
      provisioned: !!config.serverPublicKey,
      broker: config.mqttUrl,
      bootReason,
      journalPending: journal.pending().length,
      journalTornBytes: recovery.tornBytes,
    });
    if (!config.serverPublicKey)
      log.warn(TEXT.unprovisioned.en, { chip: identity.chip, publicKey: identity.publicKey });

    this.wireBoard();
    this.wireLink(link);
    await this.startScanner();
    link.start();
    this.renewer?.start();

    const monotonic = this.deps.monotonic ?? (() => performance.now());
    this.lastLoopAt = monotonic();
    this.linkUpAt = monotonic();
    const tickMs = this.deps.tickMs ?? 100;
    this.timers.push(setInterval(() => this.loop(monotonic()), tickMs));
    this.timers.push(setInterval(() => this.sample(), Math.floor(1000 / sampleRateHz)));
  }

  /**
   * Graceful stop: relay open first, then `agent_stopped` journals the relay, the power and an arc
   * cut off (statistics so far) as they end; the events get a bounded chance to reach the server.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.timers.forEach((t) => clearInterval(t));
    this.timers = [];
    this.renewer?.stop();
    // Relay open first, whatever else fails below.
    this.deps.board.setRelay(false);
    try {
      const arc = this.sampler?.interruptArc(this.deps.clock.now()) ?? null;
      this.dispatch({ type: 'stop', arc });
      await this.deliver(this.deps.stopDeliveryMs ?? STOP_DELIVERY_MS);
    } catch (err) {
      this.deps.log.error('stop journaling failed', { error: (err as Error).message });
    }
    this.running = false;
    this.sender?.stop();
    await this.deps.scanner?.stop().catch(() => undefined);
    await this.link?.stop().catch(() => undefined);
    await this.deps.board.stop().catch(() => undefined);
    this.journalValue?.close();
    this.writeLive();
    rmSync(join(this.deps.config.dataDir, RUN_MARKER), { force: true });
    this.deps.log.info('arcgate agent stopped', { chip: this.identityValue?.chip });
  }

  /** Feeds one input through the state machine (public for tests and the CLI). */
  dispatch(input: AgentInput): void {
    // Before anything that may start an arm request, the journal must be known writable (§10).
    if ((input.type === 'badge' || input.type === 'trigger') && this.journalValue) this.checkJournal();
    this.queue.push(input);
    if (this.draining) return;
    this.draining = true;
    try {
      for (let next = this.queue.shift(); next; next = this.queue.shift()) this.apply(next);
    } finally {
      this.draining = false;
    }
  }

  private apply(input: AgentInput): void {
    if (!this.machine || !this.running) return;
    const before = this.model;
    const { model, commands } = step(this.machine, before, { ...input, now: this.deps.clock.now() });
    this.model = model;
    // A gas set's A0 reads fuel flow, not current: no current limit applies to it.
    this.sampler?.setCurrentLimit(this.machine.machineKind === 'gas' ? null : (model.grant?.body.maxCurrentA ?? null));
    this.execute(commands);
    this.writeLive();
    if (before.pending && model.pending?.requestId !== before.pending.requestId)
      this.link?.cancelRequest(before.pending.requestId);
  }

  private execute(commands: Command[]): void {
    const { board, log } = this.deps;
    let journalFailed = false;
    for (const c of commands) {
      switch (c.kind) {
        case 'relay':
          // A relay may only close after its events are durable (§7.1).
          if (c.closed && journalFailed) {
            log.error('relay kept open: the journal could not record why it would close');
            break;
          }
          // The watchdog must be charged before D7 goes high; the main loop keeps it so.
          if (c.closed) board.kick();
          board.setRelay(c.closed);
          this.sampler?.setRelay(c.closed, this.deps.clock.now()).forEach((o) => this.onSampler(o));
          break;
        case 'journal':
          if (!this.record(c.event)) journalFailed = true;
          break;
        case 'led':
          board.setLed(c.pattern);
          break;
        case 'beep':
          board.beep(c.ms);
          break;
        case 'display':
          log.info('display', { text: c.text['zh-CN'], en: c.text.en });
          break;
        case 'publish_status':
          this.link?.publishStatus().catch((err: Error) => log.warn('status publish failed', { error: err.message }));
          break;
        case 'arm_request': {
          // No request whose consequences could not be recorded (§10 journal health).
          const problem = journalFailed ? 'its events could not be journaled' : this.journal.health();
          if (problem) {
            log.error('arm.request not sent: the journal cannot be written', { problem });
            this.dispatch({ type: 'journal_health', writable: false, detail: problem });
            break;
          }
          this.sendArmRequest(c);
          break;
        }
        case 'save_settings':
          this.saveSettings(c.settings);
          break;
        case 'log':
          log[c.level](c.msg, c.fields);
          break;
      }
    }
  }

  /** Journals (fsync) and hands the event to the sender; a failure is an internal error (fault, relay open). */
  private record(draft: Parameters<Journal['append']>[0]): boolean {
    try {
      this.journal.append(draft);
      this.sender?.notify();
      return true;
    } catch (err) {
      this.deps.board.setRelay(false);
      this.deps.log.error('journal write failed', { error: (err as Error).message, event: draft.type });
      this.dispatch({ type: 'journal_health', writable: false, detail: `journal: ${(err as Error).message}` });
      return false;
    }
  }

  private enqueueJournal(draft: Parameters<Journal['append']>[0]): void {
    this.record(draft);
  }

  private sendArmRequest(c: Extract<Command, { kind: 'arm_request' }>): void {
    const link = this.link;
    if (!link) return;
    const position = this.position();
    const body = {
      nonce: c.nonce,
      credential: c.credential,
      ...(c.permitId ? { permitId: c.permitId } : {}),
      position,
      machineKind: this.deps.config.machineKind,
    };
    this.deps.log.info('arm.request sent', { requestId: c.requestId, credential: c.credential.kind });
    // requestArm never rejects: every outcome (grant, denied, timeout, offline) resolves.
    void link.requestArm(c.requestId, body).then((answer) => {
      if (answer.kind === 'grant') this.dispatch({ type: 'grant', envelope: answer.message });
      else if (answer.kind === 'denied') this.dispatch({ type: 'denied', message: answer.message });
      else this.dispatch({ type: 'arm_timeout', requestId: c.requestId });
    });
  }

  private loop(nowMonotonic: number): void {
    const stalled = nowMonotonic - this.lastLoopAt;
    this.lastLoopAt = nowMonotonic;
    // The loop could not run for longer than the watchdog allows: nothing was supervised meanwhile.
    if (stalled > this.deps.config.watchdogMs) {
      this.dispatch({ type: 'watchdog', stalledMs: Math.round(stalled) });
      // Reports queued during our own stall are not the board's silence: restart that window.
      this.linkUpAt = nowMonotonic;
      if (this.lastReportAt !== null) this.lastReportAt = nowMonotonic;
    }
    this.dispatch({ type: 'tick', position: this.position() });
    this.superviseBoard(nowMonotonic);
    if (this.model.relayClosed || !this.model.journal.ok) this.checkJournal();
    // The hardware watchdog is kicked from here only: a hung loop stops kicking and the board cuts power.
    if (this.kickAllowed(nowMonotonic)) this.deps.board.kick();
    this.touchLive();
  }

  /** Silent reports drop the link (the board re-opens it); reports after a re-open recover a board fault. */
  private superviseBoard(now: number): void {
    const board = this.deps.board;
    if (!board.linkUp) return;
    const since = this.lastReportAt ?? this.linkUpAt;
    if (now - since > BOARD_REPORT_SILENCE_MS) {
      board.dropLink('reports_silent');
      return;
    }
    if (this.lastReportAt !== null && this.model.board === 'reopened') this.dispatch({ type: 'board_reporting' });
  }

  private reportsFresh(now: number): boolean {
    return this.lastReportAt !== null && now - this.lastReportAt <= BOARD_REPORT_SILENCE_MS;
  }

  /** All of: relay commanded closed, grant in force, journal writable, board link up, reports fresh. */
  private kickAllowed(now: number): boolean {
    const m = this.model;
    const grant = m.grant;
    return (
      m.relayClosed &&
      !!grant &&
      this.deps.clock.now() < parseInstant(grant.body.expiresAt) &&
      m.journal.ok &&
      m.board === 'up' &&
      this.deps.board.linkUp &&
      this.reportsFresh(now)
    );
  }

  private checkJournal(): void {
    const problem = this.journalValue ? this.journalValue.health() : 'journal is not open';
    const writable = problem === null;
    if (writable !== this.model.journal.ok)
      this.dispatch({ type: 'journal_health', writable, ...(problem ? { detail: problem } : {}) });
  }

  private onBoardLost(cause: BoardLinkCause): void {
    // Blind from here: stale readings must not look like current (no false bypass), the open arc ends now.
    this.latest = { current: 0, voltage: 0 };
    this.lastReportAt = null;
    const arc = this.sampler?.interruptArc(this.deps.clock.now()) ?? null;
    this.dispatch({ type: 'board_lost', cause, arc });
  }

  /** Waits (bounded) until the journal is empty, i.e. the server acknowledged everything. */
  private async deliver(ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.link?.online && this.journal.pending().length > 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 25));
  }

  private liveFile(): string {
    return join(this.deps.config.dataDir, LIVE_FILE);
  }

  private readLive(): LiveRecord | null {
    const file = this.liveFile();
    try {
      const rec = JSON.parse(readFileSync(file, 'utf8')) as Omit<LiveRecord, 'aliveAtMs'>;
      return { ...rec, relayClosed: rec.relayClosed === true, aliveAtMs: Math.floor(statSync(file).mtimeMs) };
    } catch {
      return null;
    }
  }

  /** Rewrites live.json (atomically) when relay, grant, arc or state changed. */
  private writeLive(): void {
    const m = this.model;
    const grantId = m.grant?.body.grantId;
    const rec = {
      state: m.state,
      relayClosed: m.relayClosed,
      ...(grantId ? { grantId } : {}),
      ...(m.arc ? { arcStartedAt: new Date(m.arc.startedAtMs).toISOString() } : {}),
    };
    const key = JSON.stringify(rec);
    if (key === this.liveKey) return;
    try {
      writeFileAtomicSync(this.liveFile(), `${key}\n`);
      this.liveKey = key;
      this.liveTouchedAt = this.deps.clock.now();
    } catch (err) {
      this.deps.log.warn('live.json not written', { error: (err as Error).message });
    }
  }

  /** While the relay is closed, live.json's mtime is the last liveness mark a crash restart reads. */
  private touchLive(): void {
    const now = this.deps.clock.now();
    if (!this.model.relayClosed || now - this.liveTouchedAt < LIVE_TOUCH_MS) return;
    this.liveTouchedAt = now;
    try {
      utimesSync(this.liveFile(), now / 1000, now / 1000);
    } catch (err) {
      this.deps.log.warn('live.json not touched', { error: (err as Error).message });
    }
  }

  private sample(): void {
    // Blind while the link is down or silent: no samples, so no stale current is taken for an arc or a bypass.
    if (!this.deps.board.linkUp || !this.reportsFresh(this.deps.monotonic?.() ?? performance.now())) return;
    const outputs = this.sampler?.sample(this.deps.clock.now(), this.latest.current, this.latest.voltage) ?? [];
    outputs.forEach((o) => this.onSampler(o));
  }

  private onSampler(o: SamplerOutput): void {
    // Gas sets have no arc events in protocol v1; their flow only matters as a bypass.
    if (this.deps.config.machineKind === 'gas' && o.type !== 'bypass') return;
    if (o.type === 'arc_start') this.dispatch({ type: 'arc_start', atMs: o.atMs });
    else if (o.type === 'arc_stop') this.dispatch({ type: 'arc_stop', summary: o.summary });
    else if (o.type === 'over_current') this.dispatch({ type: 'over_current', currentA: o.currentA, limitA: o.limitA });
    else this.dispatch({ type: 'bypass', active: o.active, currentA: o.currentA });
  }

  private wireBoard(): void {
    const { board } = this.deps;
    board.on('current', (v) => (this.latest.current = v));
    board.on('voltage', (v) => (this.latest.voltage = v));
    board.on('gas', (percentLel) => this.dispatch({ type: 'gas', percentLel }));
    board.on('enclosure', (open) => this.dispatch({ type: 'enclosure', open }));
    board.on('relayFeedback', (closed) => this.dispatch({ type: 'relay_feedback', closed }));
    board.on('trigger', (pressed) => this.dispatch({ type: 'trigger', pressed, fresh: this.fresh() }));
    board.on('report', () => (this.lastReportAt = (this.deps.monotonic ?? (() => performance.now()))()));
    board.on('link', (up, cause) => {
      if (!up) return this.onBoardLost(cause ?? 'port_error');
      this.linkUpAt = (this.deps.monotonic ?? (() => performance.now()))();
      this.lastReportAt = null;
      this.dispatch({ type: 'board_up' });
    });
    board.on('error', (err) => {
      board.setRelay(false);
      this.dispatch({ type: 'internal_error', detail: `board: ${err.message}` });
    });
  }

  /** The TLS material of the configuration, with the renewed certificate when that one outlives it. */
  private tlsMaterial(
    files: NonNullable<AgentConfig['tls']>,
    identity: ChipIdentity,
  ): { ca: string; cert: string; keyFile: string | null } {
    const ca = readFileSync(files.caFile, 'utf8');
    const provisioned = readFileSync(files.certFile, 'utf8');
    if (files.keyFile) return { ca, cert: provisioned, keyFile: files.keyFile };
    const cert = chooseCertificate(provisioned, this.deps.config.dataDir, {
      identity,
      caPem: ca,
      now: this.deps.clock.now(),
      log: this.deps.log,
    });
    return { ca, cert, keyFile: null };
  }

  private wireLink(link: Link): void {
    link.on('online', () => {
      this.dispatch({ type: 'network', up: true });
      this.sender?.onOnline();
      void this.renewer?.check();
    });
    link.on('offline', () => {
      this.sender?.onOffline();
      this.dispatch({ type: 'network', up: false });
    });
    link.on('rejected', (info) => this.dispatch({ type: 'server_rejected', ...info }));
    link.on('message', (message) => this.onServerMessage(message));
  }

  private onServerMessage(message: DownMessage): void {
    switch (message.type) {
      case 'grant.revoke':
        return this.dispatch({ type: 'revoke', message });
      case 'grant.push':
        return this.dispatch({ type: 'grant_push', message });
      case 'events.ack':
        return this.sender?.onAck(message);
      case 'config':
        return this.dispatch({ type: 'config', message });
      case 'arm.grant':
        return this.dispatch({ type: 'grant', envelope: message });
      case 'arm.denied':
        return this.dispatch({ type: 'denied', message });
      case 'cert.issued':
      case 'cert.denied':
        // An answer no renewal waits for any more (a late QoS 1 duplicate): the renewer asks again if need be.
        return;
    }
  }

  private async startScanner(): Promise<void> {
    const scanner = this.deps.scanner;
    if (!scanner) return;
    scanner.on('code', (code) => this.dispatch({ type: 'badge', code, fresh: this.fresh() }));
    scanner.on('unrecognised', (line) =>
      this.deps.log.info('display', { text: TEXT.badCode['zh-CN'], en: TEXT.badCode.en, scannedLength: line.length }),
    );
    scanner.on('error', (err) => this.deps.log.warn('scanner error', { error: err.message }));
    // A missing scanner does not stop the agent: phone authorization still works.
    await scanner
      .start()
      .catch((err: Error) => this.deps.log.error('badge scanner unavailable', { error: err.message }));
  }

  private fresh(): FreshIds {
    return this.deps.freshIds?.() ?? { requestId: newMessageId(), nonce: newNonce() };
  }

  private position(): Position | null {
    const p = this.deps.config.position;
    // A fixed installation position is as current as the clock.
    return p ? { ...p, fixAt: new Date(this.deps.clock.now()).toISOString() } : null;
  }

  private thresholdFor(settings: Settings): number {
    return this.deps.config.machineKind === 'gas' ? GAS_FLOW_THRESHOLD_LPM : settings.arcCurrentThresholdA;
  }

  private loadSettings(): Settings {
    const base = defaultSettings(this.deps.config.gasLimitPercentLel);
    const file = join(this.deps.config.dataDir, SETTINGS_FILE);
    if (!existsSync(file)) return base;
    try {
      return { ...base, ...(JSON.parse(readFileSync(file, 'utf8')) as Partial<Settings>) };
    } catch (err) {
      this.deps.log.warn('settings file unreadable; defaults used', { error: (err as Error).message });
      return base;
    }
  }

  private saveSettings(settings: Settings): void {
    writeFileAtomicSync(join(this.deps.config.dataDir, SETTINGS_FILE), `${JSON.stringify(settings)}\n`);
    this.sampler?.setThreshold(this.thresholdFor(settings));
  }
}
