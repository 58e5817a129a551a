/**
 * The query of a route that takes none. With the global pipe's whitelist, any query parameter sent to it is
 * refused (unknownField) instead of being silently ignored: a body-less POST answers bad input like any other.
 */
export class NoQueryDto {}
