// The few icons the phone pages draw, as inline SVG (24×24 grid, stroke).

const PATHS = {
  check: 'M20 6 9 17l-5-5',
  close: 'M18 6 6 18M6 6l12 12',
  info: 'M12 16v-5M12 8h.01',
  warn: 'M12 8v5M12 16h.01',
  camera: 'M4 8h3l2-3h6l2 3h3v11H4zM12 17a4 4 0 1 0 0-8 4 4 0 0 0 0 8z',
  badge: 'M4 5h16v14H4zM8 10h3M8 14h5M15 9.5a1.5 1.5 0 1 0 0 .01',
  power: 'M12 3v9M6.3 7.5a8 8 0 1 0 11.4 0',
  certificate: 'M5 3h14v12H5zM9 7h6M9 11h4M10 15l-2 6 4-2 4 2-2-6',
  logout: 'M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10',
  alert: 'M12 4 2 20h20zM12 10v4M12 17h.01',
  pin: 'M12 21s7-6.5 7-12a7 7 0 1 0-14 0c0 5.5 7 12 7 12zM12 11.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5z',
  clock: 'M12 7v5l3 2M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z',
  bolt: 'M13 2 4 14h7l-1 8 9-12h-7z',
  lock: 'M6 11h12v10H6zM8 11V7a4 4 0 0 1 8 0v4',
  stop: 'M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18zM5.6 5.6l12.8 12.8',
  question: 'M9.5 9a2.5 2.5 0 1 1 3.5 2.3c-.6.3-1 .9-1 1.6v.6M12 17h.01',
} as const;
export type IconName = keyof typeof PATHS;

/** Tone circles (check, close, info, warn, question) draw a disc behind the glyph. */
const IN_CIRCLE = new Set<IconName>(['check', 'close', 'info', 'warn', 'question']);

export function Icon({ name, className }: { name: IconName; className?: string }) {
  return (
    <svg
      className={className ? `k-icon ${className}` : 'k-icon'}
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth={2}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
    >
      {IN_CIRCLE.has(name) && <circle cx="12" cy="12" r="10" />}
      <path d={PATHS[name]} transform={IN_CIRCLE.has(name) ? 'translate(3.6 3.6) scale(0.7)' : undefined} />
    </svg>
  );
}
