/*
 * Identifier shapes with no dependency at all, so that a browser bundle can use them (browser.ts).
 */

/** Crockford base32 alphabet (no I, L, O, U): chip ids survive being read aloud or typed. */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const CHIP_ID_CHARS = 20;
/** A chip id: C, then 20 Crockford base32 characters of the hash of its public key (chipIdFromPublicKey). */
export const CHIP_ID_PATTERN = new RegExp(`^C[${CROCKFORD_ALPHABET}]{${CHIP_ID_CHARS}}$`);
