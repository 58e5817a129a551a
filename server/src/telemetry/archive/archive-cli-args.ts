import { EventMonth, parseMonth } from './archive-months';

export type ArchiveCommand = { command: 'list' } | { command: 'run' } | { command: 'restore'; month: EventMonth };

export const ARCHIVE_USAGE = 'usage: npm run archive -- list | run | restore YYYY-MM';

/** `npm run archive -- list|run|restore YYYY-MM` */
export function parseArchiveArgs(argv: string[]): ArchiveCommand {
  const [command, ...rest] = argv;
  if (command === 'list' || command === 'run') {
    if (rest.length) throw new Error(`${command} takes no arguments; ${ARCHIVE_USAGE}`);
    return { command };
  }
  if (command === 'restore') {
    if (rest.length !== 1) throw new Error(`restore takes one month; ${ARCHIVE_USAGE}`);
    const month = parseMonth(rest[0]);
    if (!month) throw new Error(`${JSON.stringify(rest[0])} is not a month (YYYY-MM, e.g. 2024-12)`);
    return { command, month };
  }
  throw new Error(command ? `Unknown command ${JSON.stringify(command)}; ${ARCHIVE_USAGE}` : ARCHIVE_USAGE);
}
