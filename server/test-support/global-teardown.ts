import { adminQuery } from './test-database';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>).__ARCGATE_TEST__ as
    { adminUrl: string; template: string; stop?: () => Promise<void> } | undefined;
  if (!state) return;
  await adminQuery(state.adminUrl, `DROP DATABASE IF EXISTS ${state.template} WITH (FORCE)`).catch(() => undefined);
  await state.stop?.();
}
