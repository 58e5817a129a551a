import { parseArchiveArgs } from './archive-cli-args';

describe('npm run archive arguments', () => {
  it('takes list, run and restore YYYY-MM', () => {
    expect(parseArchiveArgs(['list'])).toEqual({ command: 'list' });
    expect(parseArchiveArgs(['run'])).toEqual({ command: 'run' });
    expect(parseArchiveArgs(['restore', '2024-12'])).toEqual({ command: 'restore', month: { year: 2024, month: 12 } });
  });

  it('refuses anything else with the usage', () => {
    expect(() => parseArchiveArgs([])).toThrow(/usage/);
    expect(() => parseArchiveArgs(['drop'])).toThrow(/Unknown command/);
    expect(() => parseArchiveArgs(['restore'])).toThrow(/one month/);
    expect(() => parseArchiveArgs(['restore', '2024-13'])).toThrow(/not a month/);
    expect(() => parseArchiveArgs(['run', '2024-12'])).toThrow(/no arguments/);
  });
});
