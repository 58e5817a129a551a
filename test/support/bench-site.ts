import type { Position } from './machine-rig';

/** Where the agents are installed: 恒达's 2号车间 in 会亭镇. */
export const SITE: Position = { lat: 34.1721, lng: 116.0012, accuracyM: 5 };
