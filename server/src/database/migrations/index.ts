import { Registry1763900000000 } from './1763900000000-Registry';

/** Every migration in order; a new migration file is added here too. */
export const MIGRATIONS = [Registry1763900000000];
