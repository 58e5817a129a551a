/**
 * Startup option of every connection the app opens: no JIT compilation. Its planner estimate counts
 * rows, not work, so report statements over millions of rows were compiled for 200–400 ms and then
 * ran in 20–80 (province bench, EXPLAIN ANALYZE: enforcement statistics 398 ms, of it JIT 372).
 */
export const NO_JIT = '-c jit=off';
