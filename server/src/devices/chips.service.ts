import { Inject, Injectable, Logger } from '@nestjs/common';
import { chipIdFromPublicKey, fromBase64Url, publicKeyFromRaw, publicKeyToBase64Url } from '@arcgate/protocol';
import type { KeyObject } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AccessPolicy } from '../access/access-policy';
import { Actor } from '../access/actor';
import { AuditService } from '../audit/audit.service';
import { Clock } from '../common/clock/clock';
import { DomainError } from '../common/errors/domain-error';
import { ErrorCode } from '../common/errors/error-codes';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { type Machine, MachineStatus } from '../machines/machine.entity';
import { MACHINE_LOOKUP, MachineLookup } from '../machines/machine-lookup';
import { BoundChip, ChipsRepository } from './chips.repository';
import { BindChipDto } from './dto/bind-chip.dto';
import { ReplaceChipDto, UnbindChipDto } from './dto/unbind-chip.dto';
import { ChipCertificateView, DeviceStatusView, ServerKeyView, toDeviceStatusView } from './device.view';
import { DevicePki } from './pki/device-pki.service';

/**
 * How long a cached lookup is trusted without a live invalidation channel, and always for "not bound"
 * (a bind on another replica announces nothing): short enough that a change elsewhere takes effect at
 * once for practical purposes.
 */
export const BOUND_CACHE_MS = 2_000;
/**
 * How long a binding is trusted while this replica hears every unbind and move (ChipUnboundListener
 * live). Devices heartbeat every 30 s: with the short TTL every heartbeat cost a hot-pool query, and
 * at 600 heartbeats/s those queued arm decisions for seconds (BENCHMARKS.md, issue 17 §3). Arm
 * decisions never use this cache: they read machines.chip_id themselves.
 */
export const BOUND_CACHE_NOTIFIED_MS = 10 * 60_000;
/** Bindings kept per replica (a province's fleet); beyond it the oldest entry goes. */
const MAX_CACHED = 250_000;
const MAX_KEYS = 250_000;
const RECENT_EVENTS = 20;
const PG_UNIQUE_VIOLATION = '23505';

function validPublicKey(publicKey: string): boolean {
  const raw = fromBase64Url(publicKey);
  if (!raw || raw.length !== 32) return false;
  try {
    publicKeyFromRaw(raw);
    return true;
  } catch {
    return false;
  }
}

function assertChipMatchesKey(dto: BindChipDto): void {
  if (!validPublicKey(dto.publicKey))
    throw DomainError.invalid(
      'publicKey',
      'isEd25519PublicKey',
      'publicKey must be a raw 32-byte Ed25519 public key in base64url',
    );
  if (chipIdFromPublicKey(dto.publicKey) !== dto.chipId)
    throw DomainError.invalid(
      'chipId',
      'chipIdMismatch',
      'chipId does not belong to this public key (scan the chip label again)',
    );
}

const boundElsewhere = () =>
  new DomainError(ErrorCode.CHIP_BOUND_ELSEWHERE, 'This chip is bound to another machine; unbind it there first');

/** Chip binding (加芯) and the lookups the gateway, the broker hooks and the authorization engine use. */
@Injectable()
export class ChipsService {
  private readonly cache = new Map<string, { value: BoundChip | null; at: number }>();
  /** Whether unbinds and moves are being heard (see invalidationsLive); the long TTL applies only then. */
  private notified = false;
  private readonly lookups = new Map<string, Promise<BoundChip | null>>();
  /** Imported keys by their base64url text: a key never changes meaning, so this needs no expiry, only a bound. */
  private readonly keys = new Map<string, KeyObject>();
  /** Bumped whenever a binding is forgotten: a lookup in flight across a bump is not trusted. */
  private epoch = 0;
  private readonly unboundListeners: ((chipId: string) => void)[] = [];
  private readonly logger = new Logger('ChipsService');

  constructor(
    private readonly chips: ChipsRepository,
    @Inject(MACHINE_LOOKUP) private readonly machines: MachineLookup,
    private readonly access: AccessPolicy,
    private readonly audit: AuditService,
    private readonly clock: Clock,
    private readonly ds: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly pki: DevicePki,
  ) {}

  /**
   * The chip with its machine and key, or null when unknown or not bound to any machine. Behind a short
   * cache; an unbind anywhere (this replica, another one, SQL) drops the entry at once (forgetUnbound),
   * and a lookup that was in flight when any chip was forgotten is asked again rather than cached, so
   * no cache can keep an unbound chip alive.
   */
  async findBoundByChipId(chipId: string): Promise<BoundChip | null> {
    const hit = this.cache.get(chipId);
    const now = Date.now();
    if (hit && now - hit.at < this.ttlOf(hit.value)) return hit.value;
    for (;;) {
      const epoch = this.epoch;
      // One query per chip at a time: when the entry expires in the middle of a flood, the messages
      // behind it wait for that query instead of each sending its own.
      let lookup = this.lookups.get(chipId);
      if (!lookup) {
        const started: Promise<BoundChip | null> = this.chips.findBoundByChipId(chipId).finally(() => {
          // A bind or unbind may have dropped this lookup and another may have started since: keep that one.
          if (this.lookups.get(chipId) === started) this.lookups.delete(chipId);
        });
        lookup = started;
        this.lookups.set(chipId, lookup);
      }
      const value = await lookup;
      // A chip was forgotten while this was in flight: the answer may predate that unbind. Ask again.
      if (epoch !== this.epoch) continue;
      // Re-inserted, so that the Map's order is oldest first and the eviction below drops the oldest.
      this.cache.delete(chipId);
      if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value as string);
      this.cache.set(chipId, { value, at: now });
      return value;
    }
  }

  private ttlOf(value: BoundChip | null): number {
    return value && this.notified ? BOUND_CACHE_NOTIFIED_MS : BOUND_CACHE_MS;
  }

  /**
   * Set by ChipUnboundListener: true once it listens (after dropping everything cached), false when its
   * connection is lost. Bindings cached earlier fall back to the short TTL at once while it is down.
   */
  invalidationsLive(live: boolean): void {
    this.notified = live;
  }

  /** The chip's machine changed enterprise (NOTIFY from any replica): its cached binding is stale. */
  forgetMoved(chipId: string): void {
    this.forget(chipId);
  }

  /** Drops what this replica remembers of the chip's binding (after a bind: a cached "unknown"). */
  private forget(chipId: string): void {
    this.epoch++;
    this.cache.delete(chipId);
    this.lookups.delete(chipId);
  }

  /**
   * The chip no longer belongs to a machine (NOTIFY from any replica, or this one's own unbind): the
   * cached binding goes, and whoever holds a live session of that chip (the embedded broker) drops it.
   */
  forgetUnbound(chipId: string): void {
    this.forget(chipId);
    for (const listener of this.unboundListeners) {
      try {
        listener(chipId);
      } catch (e) {
        this.logger.warn(`unbound listener failed for ${chipId}: ${(e as Error).message}`);
      }
    }
  }

  /** Everything cached is dropped (the unbind notifications may have been missed while disconnected). */
  forgetAll(): void {
    this.epoch++;
    this.cache.clear();
    this.lookups.clear();
  }

  /** Called with the chip id whenever a chip is unbound (see forgetUnbound). */
  onUnbound(listener: (chipId: string) => void): void {
    this.unboundListeners.push(listener);
  }

  /**
   * The chip's public key as an imported KeyObject: importing base64 on every message was a measurable
   * share of the gateway's CPU. Null when the stored key is not a valid Ed25519 key (verification then fails closed).
   */
  keyOf(chip: BoundChip): KeyObject | null {
    const hit = this.keys.get(chip.publicKey);
    if (hit) return hit;
    const raw = fromBase64Url(chip.publicKey);
    if (!raw || raw.length !== 32) return null;
    let key: KeyObject;
    try {
      key = publicKeyFromRaw(raw);
    } catch {
      return null;
    }
    if (this.keys.size >= MAX_KEYS) this.keys.delete(this.keys.keys().next().value as string);
    this.keys.set(chip.publicKey, key);
    return key;
  }

  findByMachineId(machineId: string): Promise<BoundChip | null> {
    return this.chips.findBoundByMachineId(machineId);
  }

  /** A chip the platform has seen bound at some time (its key is known), bound or not. */
  findKnownChip(chipId: string) {
    return this.chips.findByChipId(chipId);
  }

  serverKey(): ServerKeyView {
    return { algorithm: 'Ed25519', publicKey: publicKeyToBase64Url(this.config.secrets.deviceSigningKey) };
  }

  async bind(actor: Actor, machineId: string, dto: BindChipDto): Promise<DeviceStatusView> {
    assertChipMatchesKey(dto);
    await this.inBindingTransaction(async (em) => {
      const { machine, enterprise } = await this.lockManageable(em, actor, machineId);
      if (machine.chipId === dto.chipId) return;
      if (machine.chipId)
        throw new DomainError(ErrorCode.MACHINE_HAS_CHIP, 'Another chip is bound to this machine; unbind it first');
      await this.attach(em, actor, machine, enterprise, dto);
    });
    this.forget(dto.chipId);
    return this.status(actor, machineId);
  }

  /** The machine's chip leaves it, for a reason (audited); its device is shut out at once. */
  async unbind(actor: Actor, machineId: string, dto: UnbindChipDto): Promise<void> {
    const chipId = await this.ds.transaction(async (em) => {
      const { machine, enterprise } = await this.lockManageable(em, actor, machineId, { evenRetired: true });
      await this.chips.detachOthersFromMachine(em, machine.id, null, this.clock.now());
      if (!machine.chipId) return null;
      return this.detach(em, actor, machine, enterprise, dto, null);
    });
    if (chipId) this.forgetUnbound(chipId);
  }

  /** 换芯: the old chip is unbound for a reason and the new one bound, in one transaction. */
  async replace(actor: Actor, machineId: string, dto: ReplaceChipDto): Promise<DeviceStatusView> {
    assertChipMatchesKey(dto);
    const old = await this.inBindingTransaction(async (em) => {
      const { machine, enterprise } = await this.lockManageable(em, actor, machineId);
      if (!machine.chipId)
        throw new DomainError(ErrorCode.MACHINE_HAS_NO_CHIP, 'The machine has no chip to replace; bind one instead');
      if (machine.chipId === dto.chipId)
        throw DomainError.invalid('chipId', 'sameChip', 'The new chip is the one already bound to this machine');
      const previous = await this.detach(em, actor, machine, enterprise, dto, dto.chipId);
      machine.chipId = null;
      await this.attach(em, actor, machine, enterprise, dto);
      return previous;
    });
    this.forgetUnbound(old);
    this.forget(dto.chipId);
    return this.status(actor, machineId);
  }

  private async inBindingTransaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.ds.transaction(work);
    } catch (e) {
      // Two bindings of one chip racing: the unique index on machines.chip_id decides.
      if ((e as { driverError?: { code?: string } }).driverError?.code === PG_UNIQUE_VIOLATION) throw boundElsewhere();
      throw e;
    }
  }

  private async lockManageable(
    em: EntityManager,
    actor: Actor,
    machineId: string,
    opts: { evenRetired?: boolean } = {},
  ) {
    const found = await this.machines.findForUpdate(em, machineId);
    if (!found) throw DomainError.notFound('Machine');
    this.access.assertManageable(actor, found.enterprise, 'Machine');
    if (!opts.evenRetired && found.machine.status === MachineStatus.Retired)
      throw new DomainError(ErrorCode.MACHINE_RETIRED, 'The machine is retired; no chip can be bound to it');
    return found;
  }

  private async attach(
    em: EntityManager,
    actor: Actor,
    machine: Machine,
    enterprise: { id: string; regionPath: string },
    dto: BindChipDto,
  ): Promise<void> {
    const chip = await this.chips.upsertAndLock(em, dto.chipId, dto.publicKey);
    const holder = await this.machines.findByChipId(em, dto.chipId);
    if (holder) throw boundElsewhere();
    const now = this.clock.now();
    await this.chips.detachOthersFromMachine(em, machine.id, dto.chipId, now);
    Object.assign(chip, { machineId: machine.id, boundAt: now, boundBy: actor.userId, unboundAt: null });
    await this.chips.save(em, chip);
    await this.machines.setChip(em, machine.id, dto.chipId);
    // The chip's broker identity for mutual TLS (issue 17 §1), for its own key: committed with the binding.
    const cert = await this.pki.issueForChip(em, dto.chipId, dto.publicKey);
    await this.audit.record(em, actor, {
      action: 'machine.chip.bind',
      entityType: 'machine',
      entityId: machine.id,
      enterpriseId: enterprise.id,
      regionPath: enterprise.regionPath,
      before: { chipId: machine.chipId },
      after: { chipId: dto.chipId, publicKey: dto.publicKey, certificateSerial: cert.serial },
    });
  }

  /** Unbinds the machine's chip (which must be set); returns its id. */
  private async detach(
    em: EntityManager,
    actor: Actor,
    machine: Machine,
    enterprise: { id: string; regionPath: string },
    why: UnbindChipDto,
    replacedBy: string | null,
  ): Promise<string> {
    const old = machine.chipId!;
    const now = this.clock.now();
    await this.machines.setChip(em, machine.id, null);
    await this.chips.markUnbound(em, old, now);
    await this.audit.record(em, actor, {
      action: 'machine.chip.unbind',
      entityType: 'machine',
      entityId: machine.id,
      enterpriseId: enterprise.id,
      regionPath: enterprise.regionPath,
      before: { chipId: old },
      after: { chipId: null, reason: why.reason, note: why.note ?? null, ...(replacedBy ? { replacedBy } : {}) },
    });
    return old;
  }

  /** The machine's chip certificate in force (mutual TLS), for provisioning the device. */
  async certificate(actor: Actor, machineId: string): Promise<ChipCertificateView> {
    const m = await this.machines.findWithEnterprise(machineId);
    if (!m || !m.enterprise || !this.access.canReadEnterprise(actor, m.enterprise))
      throw DomainError.notFound('Machine');
    if (!m.chipId)
      throw new DomainError(ErrorCode.MACHINE_HAS_NO_CHIP, 'The machine has no chip; bind one to get its certificate');
    const cert = await this.pki.currentForChip(m.chipId);
    // Bound before the CA existed and not yet reached by the start-up backfill.
    if (!cert) throw DomainError.notFound('Certificate');
    return cert;
  }

  async status(actor: Actor, machineId: string): Promise<DeviceStatusView> {
    const m = await this.machines.findWithEnterprise(machineId);
    if (!m || !m.enterprise || !this.access.canReadEnterprise(actor, m.enterprise))
      throw DomainError.notFound('Machine');
    const chip = m.chipId ? await this.chips.findByChipId(m.chipId) : null;
    const events = chip ? await this.chips.findRecentEvents(chip.chipId, RECENT_EVENTS) : [];
    return toDeviceStatusView(m.id, chip, events);
  }
}
