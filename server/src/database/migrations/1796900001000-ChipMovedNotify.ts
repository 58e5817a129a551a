import { MigrationInterface, QueryRunner } from 'typeorm';

/** Must equal CHIP_UNBOUND_CHANNEL in devices/chip-unbound-listener.ts. */
const CHANNEL = 'arcgate_chip_unbound';
/** Must equal CHIP_MOVED_PREFIX in devices/chip-unbound-listener.ts. */
const MOVED_PREFIX = 'moved:';

/**
 * A bound machine changing enterprise announces its chip on commit ('moved:<chip id>' on the unbind
 * channel), so that every replica drops its cached binding (which carries the enterprise) at once. With
 * that and the unbind notice, replicas can keep bindings for minutes while they listen.
 */
export class ChipMovedNotify1796900001000 implements MigrationInterface {
  name = 'ChipMovedNotify1796900001000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION arcgate_notify_chip_moved() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${CHANNEL}', '${MOVED_PREFIX}' || NEW.chip_id);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER machines_chip_moved AFTER UPDATE OF enterprise_id ON machines
      FOR EACH ROW WHEN (NEW.chip_id IS NOT NULL AND NEW.enterprise_id IS DISTINCT FROM OLD.enterprise_id)
      EXECUTE FUNCTION arcgate_notify_chip_moved()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER IF EXISTS machines_chip_moved ON machines`);
    await q.query(`DROP FUNCTION IF EXISTS arcgate_notify_chip_moved()`);
  }
}
