/** The in-process aedes broker when running on embedded defaults, else null. */
export const EMBEDDED_BROKER = Symbol('EMBEDDED_BROKER');
