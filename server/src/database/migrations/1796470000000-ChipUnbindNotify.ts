import { MigrationInterface, QueryRunner } from 'typeorm';

/** Must equal CHIP_UNBOUND_CHANNEL in devices/chip-unbound-listener.ts. */
const CHANNEL = 'arcgate_chip_unbound';

/**
 * A chip leaving its machine (unbind, replacement, or any other change of machines.chip_id) announces
 * itself on commit with NOTIFY carrying the old chip id, so that every replica forgets its cached
 * binding at once instead of letting the unbound chip in until the cache entry runs out. A trigger
 * rather than a call in the service: any writer of machines.chip_id is covered.
 */
export class ChipUnbindNotify1796470000000 implements MigrationInterface {
  name = 'ChipUnbindNotify1796470000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION arcgate_notify_chip_unbound() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${CHANNEL}', OLD.chip_id);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER machines_chip_unbound AFTER UPDATE OF chip_id ON machines
      FOR EACH ROW WHEN (OLD.chip_id IS NOT NULL AND NEW.chip_id IS DISTINCT FROM OLD.chip_id)
      EXECUTE FUNCTION arcgate_notify_chip_unbound()`);
    await q.query(`
      CREATE TRIGGER machines_chip_unbound_delete AFTER DELETE ON machines
      FOR EACH ROW WHEN (OLD.chip_id IS NOT NULL)
      EXECUTE FUNCTION arcgate_notify_chip_unbound()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS machines_chip_unbound_delete ON machines`);
    await q.query(`DROP TRIGGER IF EXISTS machines_chip_unbound ON machines`);
    await q.query(`DROP FUNCTION IF EXISTS arcgate_notify_chip_unbound()`);
  }
}
